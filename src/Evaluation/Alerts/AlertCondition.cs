
namespace Pipeline.Evaluation.Alerts;

/// <summary>One rule's verdict: whether it fires, and the value and threshold it was judged on.</summary>
/// <param name="Evaluable">False when the window holds too few observations to judge; an active alert then stays as it is.</param>
internal sealed record AlertCondition(string Rule, string Severity, bool Firing, bool Evaluable, double Value, double Threshold);
