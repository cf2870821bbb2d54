using Pipeline.Api.OpenApi;
using System.Xml;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Problems;
using Pipeline.Api.Security;
using Pipeline.KnowledgeBase;

namespace Pipeline.Api.Documents;

/// <summary><c>POST /api/documents</c> (ingest one document) and <c>GET /api/documents/stats</c>. Admin only.</summary>
internal static class DocumentEndpoints
{
    public const int MaxSourceKeyLength = 256;
    public const long MaxBodyBytes = 10 * 1024 * 1024;

    public static IEndpointRouteBuilder MapDocumentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/documents").RequireAdmin().WithTags("Documents");
        group.MapPost("/", IngestAsync)
            .WithSummary("Ingest one document (Markdown, text, HTML or EU Formex XML); an unchanged document is skipped")
            .AcceptsJson<DocumentUpload>()
            .Produces<IngestionSummary>(StatusCodes.Status201Created)
            .Produces<IngestionSummary>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapGet("/stats", async (IKnowledgeSearch search, CancellationToken ct) => TypedResults.Ok(await search.GetStatsAsync(ct)))
            .WithSummary("Documents and chunks in the knowledge base");
        return routes;
    }

    private static async Task<IResult> IngestAsync(HttpContext http, KnowledgeBaseIngestor ingestor, CancellationToken cancellationToken)
    {
        var sizeLimit = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (sizeLimit is { IsReadOnly: false })
            sizeLimit.MaxRequestBodySize = MaxBodyBytes;

        var (body, error) = await StrictJsonBody.ReadAsync<DocumentUpload>(http.Request, cancellationToken);
        if (body is null)
            return TypedResults.Problem(title: "Invalid document", detail: error, statusCode: StatusCodes.Status400BadRequest);

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.SourceKey) || body.SourceKey.Length > MaxSourceKeyLength || body.SourceKey.Any(char.IsControl))
            errors["sourceKey"] = [$"sourceKey is required: 1 to {MaxSourceKeyLength} printable characters."];
        if (string.IsNullOrWhiteSpace(body.Content))
            errors["content"] = ["content is required."];
        // PostgreSQL text cannot hold NUL; other control characters (form feeds from extracted text) are tolerated in content.
        else if (body.Content.Contains('\0'))
            errors["content"] = ["content must not contain NUL characters."];
        if (body.Title is not null && TextRules.HasForbiddenControl(body.Title))
            errors["title"] = ["title must not contain control characters other than tab and line breaks."];
        if (body.Format is null || !DocumentFormat.All.Contains(body.Format))
            errors["format"] = [$"format must be one of {string.Join(", ", DocumentFormat.All)}."];
        if (body.Language is not null && body.Language is not (LanguageGuesser.Italian or LanguageGuesser.English))
            errors["language"] = ["language must be 'it', 'en' or null (detected)."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "Invalid document");

        try
        {
            var summary = await ingestor.IngestAsync(new DocumentInput(body.SourceKey!.Trim(), body.Content!, body.Format!, body.Title, body.Language), cancellationToken);
            return summary.Outcome == IngestionOutcome.Created
                ? TypedResults.Created($"/api/documents/{summary.DocumentId}", summary)
                : TypedResults.Ok(summary);
        }
        catch (Exception ex) when (ex is ArgumentException or XmlException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["content"] = [ex.Message] }, title: "Invalid document");
        }
    }
}

/// <summary>The body of <c>POST /api/documents</c>.</summary>
public sealed record DocumentUpload(string? SourceKey, string? Title, string? Format, string? Content, string? Language);
