using Pipeline.KnowledgeBase.Quality;

namespace Pipeline.Benchmarks.Load;

/// <summary>One request of a load run: its id (when the API gave one), caller-observed latency, success, and client kind.</summary>
public sealed record LoadSample(Guid RequestId, double LatencyMs, bool Succeeded, string Client);

/// <summary>A load run's samples and duration, with the figures the report needs.</summary>
public sealed record LoadResult(IReadOnlyList<LoadSample> Samples, double Seconds)
{
    public int Completed => Samples.Count(s => s.Succeeded);
    public int Errors => Samples.Count(s => !s.Succeeded);
    public double Throughput => Completed / Seconds;

    public double Percentile(double fraction) => PercentileOf(Samples.Where(s => s.Succeeded).Select(s => s.LatencyMs), fraction);

    /// <summary>The nearest-rank percentile of the quality metrics (one definition for every report); NaN for no values, so an empty phase never reads as 0 ms.</summary>
    public static double PercentileOf(IEnumerable<double> values, double fraction)
    {
        var list = values.ToList();
        return list.Count == 0 ? double.NaN : QualityMetrics.Percentile(list, fraction);
    }
}
