using System.Runtime;

namespace Pipeline.Benchmarks.Warmup;

/// <summary>Methods the JIT compiled and the time it spent compiling them (all threads), as a reading or as the difference since one.</summary>
public readonly record struct JitWork(long Methods, TimeSpan Time)
{
    /// <summary>The process's totals so far.</summary>
    public static JitWork SoFar() => new(JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime());

    /// <summary>What the JIT has done since this reading was taken.</summary>
    public JitWork Since()
    {
        var now = SoFar();
        return new JitWork(now.Methods - Methods, now.Time - Time);
    }
}
