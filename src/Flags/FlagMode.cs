
namespace Pipeline.Flags;

/// <summary>What a flag means for one request.</summary>
public enum FlagMode
{
    Off,
    Shadow,
    On,
}
