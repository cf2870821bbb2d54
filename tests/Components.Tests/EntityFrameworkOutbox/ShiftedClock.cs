namespace Pipeline.Components.Tests.EntityFrameworkOutbox;

/// <summary>The real clock moved on by <see cref="Shift"/>: time passes as usual, and a test can skip ahead of it.</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _shiftTicks;

    public TimeSpan Shift
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));
        set => Interlocked.Exchange(ref _shiftTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Shift;
}
