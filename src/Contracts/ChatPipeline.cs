namespace Pipeline.Contracts;

/// <summary>The two chat pipelines the migration moves between.</summary>
public enum ChatPipeline
{
    Legacy,
    Workflow,
}
