namespace Pipeline.Testing;

/// <summary>Paths of the repository the tests run from: its root, its sample knowledge base, and the shared corpus beside it.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleKnowledgeBase => Path.Combine(Root, "samples", "knowledge-base");

    /// <summary>
    /// Real EU legislation kept outside the repository (<c>../shared/corpus</c>, or <c>PIPELINE_SHARED_CORPUS</c> for a
    /// checkout that is not beside it, such as a git worktree).
    /// </summary>
    public static string SharedCorpus => Environment.GetEnvironmentVariable(SharedCorpusVariable) is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));

    public const string SharedCorpusVariable = "PIPELINE_SHARED_CORPUS";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"Pipeline.sln not found above {AppContext.BaseDirectory}.");
    }
}
