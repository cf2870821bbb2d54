using Pipeline.Infrastructure.KnowledgeBase;
using Spectre.Console;

namespace Pipeline.Api.Hosting;

/// <summary>The <c>ingest &lt;path&gt;</c> verb: loads a file or folder into the knowledge base with a progress bar and a summary.</summary>
public static class IngestCommand
{
    public const string Verb = "ingest";

    public static async Task<int> RunAsync(IServiceProvider services, string path, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var ingestor = scope.ServiceProvider.GetRequiredService<KnowledgeBaseIngestor>();
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
        else if (Directory.Exists(path))
        {
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
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
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{path}: no such file or folder.[/]");
            return 2;
        }

        var table = new Table().AddColumns("document", "regulation", "language", "chunks", "outcome");
        foreach (var s in summaries)
            table.AddRow(Markup.Escape(s.SourceKey), s.Regulation, s.Language, s.Chunks.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Outcome.ToString());
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{summaries.Count} documents, {summaries.Sum(s => s.Chunks)} chunks; {summaries.Count(s => s.Outcome != IngestionOutcome.Unchanged)} new or changed.");
        return 0;
    }
}
