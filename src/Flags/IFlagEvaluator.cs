
namespace Pipeline.Flags;

/// <summary>Evaluates flags against this process's current snapshot.</summary>
public interface IFlagEvaluator
{
    FlagDecision Evaluate(string flagName, in FlagContext context);
}
