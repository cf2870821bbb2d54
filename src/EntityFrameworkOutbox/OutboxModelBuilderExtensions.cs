using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Pipeline.EntityFrameworkOutbox;

/// <summary>Maps the inbox and outbox tables with the keys and indexes their queries use.</summary>
public static class OutboxModelBuilderExtensions
{
    public static ModelBuilder AddTransactionalOutboxEntities(this ModelBuilder modelBuilder)
    {
        modelBuilder.AddInboxStateEntity();
        modelBuilder.AddOutboxStateEntity();
        modelBuilder.AddOutboxMessageEntity();
        return modelBuilder;
    }

    public static void AddInboxStateEntity(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<InboxState>>? callback = null)
    {
        var inbox = modelBuilder.Entity<InboxState>();
        inbox.ToTable(OutboxTables.InboxState);
        inbox.HasKey(p => p.Id);
        inbox.Property(p => p.Id).UseIdentityByDefaultColumn();
        inbox.HasAlternateKey(p => new { p.MessageId, p.ConsumerId });
        inbox.HasIndex(p => p.Delivered);
        callback?.Invoke(inbox);
    }

    public static void AddOutboxStateEntity(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<OutboxState>>? callback = null)
    {
        var outbox = modelBuilder.Entity<OutboxState>();
        outbox.ToTable(OutboxTables.OutboxState);
        outbox.HasKey(p => p.OutboxId);
        outbox.HasIndex(p => p.Created);
        callback?.Invoke(outbox);
    }

    public static void AddOutboxMessageEntity(this ModelBuilder modelBuilder, Action<EntityTypeBuilder<OutboxMessage>>? callback = null)
    {
        var message = modelBuilder.Entity<OutboxMessage>();
        message.ToTable(OutboxTables.OutboxMessage);
        message.HasKey(p => p.SequenceNumber);
        message.Property(p => p.SequenceNumber).UseIdentityByDefaultColumn();
        message.Property(p => p.SourceAddress).HasMaxLength(256);
        message.Property(p => p.DestinationAddress).HasMaxLength(256);
        message.Property(p => p.ResponseAddress).HasMaxLength(256);
        message.Property(p => p.FaultAddress).HasMaxLength(256);
        message.Property(p => p.ContentType).HasMaxLength(256);
        // No index on the expiration or enqueue time, unlike MassTransit's own outbox: nothing here queries by them, and
        // every message of every hop is written once and deleted once, paying for each index both times.
        message.HasIndex(p => new { p.InboxMessageId, p.InboxConsumerId, p.SequenceNumber }).IsUnique();
        message.HasIndex(p => new { p.OutboxId, p.SequenceNumber }).IsUnique();
        callback?.Invoke(message);
    }
}
