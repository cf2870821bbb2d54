using System.Text.Json;
using Pipeline.Api.Problems;
using Pipeline.Flags;

namespace Pipeline.Api.Flags;

/// <summary>
/// Reads a flag write body field by field, so that an absent field (keep) differs from an explicit null (clear), and
/// every unknown field or wrong type is named in the 400.
/// </summary>
internal static class FlagRequestReader
{
    public const int MaxReasonLength = 1_024;

    internal sealed record FlagRequest(FlagChange Change, long? Version, string? Reason);

    public static (FlagRequest? Request, Dictionary<string, string[]> Errors) Read(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
            return (null, new Dictionary<string, string[]> { ["body"] = ["The body must be a JSON object."] });

        var change = new FlagChange();
        long? version = null;
        string? reason = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "description":
                    if (String(value, property.Name, errors, nullable: false) is { } description)
                        change = change with { Description = description };
                    break;
                case "status":
                    if (String(value, property.Name, errors, nullable: false) is { } status)
                        change = change with { Status = status };
                    break;
                case "rolloutPercentage":
                    if (value.ValueKind == JsonValueKind.Null)
                        change = change with { RolloutPercentage = new Optional<double?>(true, null) };
                    else if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var percentage))
                        change = change with { RolloutPercentage = new Optional<double?>(true, percentage) };
                    else
                        errors[property.Name] = ["rolloutPercentage must be a number from 0 to 100, or null."];
                    break;
                case "targetUsers":
                    if (Strings(value, property.Name, errors) is { } users)
                        change = change with { TargetUsers = new Optional<IReadOnlyList<string>>(true, users) };
                    break;
                case "targetGroups":
                    if (Strings(value, property.Name, errors) is { } groups)
                        change = change with { TargetGroups = new Optional<IReadOnlyList<string>>(true, groups) };
                    break;
                case "parent":
                    if (value.ValueKind == JsonValueKind.Null)
                        change = change with { Parent = new Optional<string?>(true, null) };
                    else if (String(value, property.Name, errors, nullable: false) is { } parent)
                        change = change with { Parent = new Optional<string?>(true, parent) };
                    break;
                case "version":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var v) && v >= 0)
                        version = v;
                    else
                        errors[property.Name] = ["version must be a non-negative whole number."];
                    break;
                case "reason":
                    reason = String(value, property.Name, errors, nullable: true);
                    if (reason is { Length: > MaxReasonLength })
                        errors[property.Name] = [$"reason must be at most {MaxReasonLength} characters."];
                    break;
                case "name" or "updatedAt" or "updatedBy":
                    // Read-only fields of the Flag shape may be echoed back by clients that PUT what they GET.
                    break;
                default:
                    errors[property.Name] = [$"Unknown field '{property.Name}'."];
                    break;
            }
        }

        return (errors.Count == 0 ? new FlagRequest(change, version, reason) : null, errors);
    }

    /// <summary>Fields a kill may carry: only why (a version is tolerated, a kill needs none); anything else would be silently dropped.</summary>
    public static Dictionary<string, string[]> OnlyKillFields(JsonElement body) =>
        body.ValueKind != JsonValueKind.Object ? []
        : body.EnumerateObject().Where(p => p.Name is not ("reason" or "version"))
            .ToDictionary(p => p.Name, p => new[] { $"A kill takes only a reason; '{p.Name}' is not accepted (use PATCH to change it)." });

    private static string? String(JsonElement value, string name, Dictionary<string, string[]> errors, bool nullable)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (!TextRules.HasForbiddenControl(text))
                return text;
            errors[name] = [$"{name} must not contain control characters other than tab and line breaks."];
            return null;
        }
        if (nullable && value.ValueKind == JsonValueKind.Null)
            return null;
        errors[name] = [$"{name} must be a string."];
        return null;
    }

    private static IReadOnlyList<string>? Strings(JsonElement value, string name, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
        {
            var items = value.EnumerateArray().Select(e => e.GetString()!).ToList();
            if (!items.Any(TextRules.HasForbiddenControl))
                return items;
            errors[name] = [$"{name} must not contain control characters."];
            return null;
        }
        errors[name] = [$"{name} must be an array of strings."];
        return null;
    }
}
