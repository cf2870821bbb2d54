namespace Pipeline.EntityFrameworkOutbox;

/// <summary>The inbox and outbox tables' names, fixed here so the mapping and whoever recognises their statements agree.</summary>
public static class OutboxTables
{
    public const string InboxState = "inbox_state";
    public const string OutboxState = "outbox_state";
    public const string OutboxMessage = "outbox_message";

    public static readonly IReadOnlyList<string> All = [InboxState, OutboxState, OutboxMessage];
}
