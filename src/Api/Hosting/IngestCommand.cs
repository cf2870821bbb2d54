using Pipeline.KnowledgeBase;
using Spectre.Console;

namespace Pipeline.Api.Hosting;

/// <summary>
/// The <c>ingest &lt;path&gt;</c> verb: first re-embeds the chunks another embedding model computed (after a change of
/// <c>KnowledgeBase:EmbeddingProvider</c>), then loads a file or folder into the knowledge base; progress bars and a summary.
/// </summary>
internal static class IngestCommand
{
    public const string Verb = "ingest";

    public static async Task<int> RunAsync(IServiceProvider services, string path, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var ingestor = scope.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>();
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{path}: no such file or folder.[/]");
            return 2;
        }

        var reembedded = 0;
        await Bars().StartAsync(async progress =>
        {
            var task = progress.AddTask("re-embedding", maxValue: 1);
            reembedded = await ingestor.ReembedAsync(new Progress<ReembeddingProgress>(p =>
            {
                task.MaxValue = Math.Max(p.Total, 1);
                task.Value = p.Total == 0 ? 1 : p.Done;
                task.Description = $"re-embedding ({p.Model})";
            }), cancellationToken);
        });
        if (reembedded > 0)
            AnsiConsole.MarkupLineInterpolated($"{reembedded} chunks re-embedded with the configured model.");

        var summaries = new List<IngestionSummary>();
        if (File.Exists(path))
        {
            var format = DocumentFormat.FromFileName(path);
            if (format is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{path}: unknown format; expected .md, .txt, .html or .xml (Formex).[/]");
                return 2;
            }

            summaries.Add(await ingestor.IngestAsync(new DocumentInput(Path.GetFileName(path), await File.ReadAllTextAsync(path, cancellationToken), format), cancellationToken));
        }
        else
        {
            await Bars().StartAsync(async progress =>
            {
                var task = progress.AddTask("ingesting", maxValue: 1);
                summaries.AddRange(await ingestor.IngestDirectoryAsync(path, new Progress<IngestionProgress>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                    task.Description = p.Last.SourceKey;
                }), cancellationToken));
            });
        }

        var table = new Table().AddColumns("document", "regulation", "language", "chunks", "outcome");
        foreach (var s in summaries)
            table.AddRow(Markup.Escape(s.SourceKey), s.Regulation, s.Language, s.Chunks.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Outcome.ToString());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{summaries.Count} documents, {summaries.Sum(s => s.Chunks)} chunks; {summaries.Count(s => s.Outcome != IngestionOutcome.Unchanged)} new or changed.");
        return 0;
    }

    private static Progress Bars() =>
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn());
}
