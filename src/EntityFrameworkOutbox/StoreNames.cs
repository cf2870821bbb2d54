using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>
/// Quoted table and column names of a mapped entity, read from the EF model (so the naming convention applies), for
/// hand-written SQL: a renamed property or table then changes the SQL with it instead of breaking it at run time.
/// Not part of MassTransit.EntityFrameworkCore: the schema's queries use it too, so were that package to replace this
/// project, this file would move down to the schema project with them.
/// </summary>
public sealed class StoreNames
{
    private StoreNames(IEntityType entity)
    {
        Entity = entity;
        var table = entity.GetTableName() ?? throw new InvalidOperationException($"{entity.DisplayName()} is not mapped to a table.");
        var schema = entity.GetSchema();
        StoreObject = StoreObjectIdentifier.Table(table, schema);
        Table = schema is null ? Quote(table) : $"{Quote(schema)}.{Quote(table)}";
    }

    /// <summary>The entity's names in <paramref name="db"/>'s model.</summary>
    public static StoreNames Of<T>(DbContext db)
        where T : class =>
        new(db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped in {db.GetType().Name}."));

    /// <summary>The entity's names in <paramref name="model"/>.</summary>
    public static StoreNames Of<T>(IModel model)
        where T : class =>
        new(model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped in the model."));

    /// <summary>The table, quoted and schema-qualified when it has a schema.</summary>
    public string Table { get; }

    /// <summary>The mapped entity, for callers that need more of the model than names.</summary>
    public IEntityType Entity { get; }

    /// <summary>The table as a store object, to ask the model for column names in it.</summary>
    public StoreObjectIdentifier StoreObject { get; }

    /// <summary>The quoted column of <paramref name="property"/>.</summary>
    public string Column(string property) =>
        Quote(Entity.FindProperty(property)?.GetColumnName(StoreObject)
            ?? throw new InvalidOperationException($"{Entity.DisplayName()}.{property} is not mapped to a column of {Table}."));

    private static string Quote(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
