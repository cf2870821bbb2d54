using System.Text.Json.Nodes;

namespace Pipeline.Evaluation.Comparisons;

/// <summary>Compares two scored source lists: id overlap (Jaccard) and the largest relative score change among shared ids.</summary>
internal static class SourceSetComparison
{
    public static (double Overlap, double MaxScoreDelta, JsonObject Diff) Compare(
        IReadOnlyList<(string Id, double Score)> oldSources, IReadOnlyList<(string Id, double Score)> newSources)
    {
        var oldById = oldSources.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First().Score);
        var newById = newSources.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First().Score);
        var union = oldById.Keys.Union(newById.Keys).Count();
        var shared = oldById.Keys.Intersect(newById.Keys).ToList();
        var overlap = union == 0 ? 1.0 : (double)shared.Count / union;

        var maxDelta = 0.0;
        var scoreChanges = new JsonArray();
        foreach (var id in shared)
        {
            var (before, after) = (oldById[id], newById[id]);
            var scale = Math.Max(Math.Abs(before), Math.Abs(after));
            var delta = scale == 0 ? 0 : Math.Abs(before - after) / scale;
            maxDelta = Math.Max(maxDelta, delta);
            if (delta > 0)
                scoreChanges.Add(new JsonObject { ["id"] = id, ["old"] = before, ["new"] = after, ["relativeDelta"] = Math.Round(delta, 4) });
        }

        var diff = new JsonObject
        {
            ["onlyOld"] = new JsonArray(oldById.Keys.Except(newById.Keys).Select(id => (JsonNode)id).ToArray()),
            ["onlyNew"] = new JsonArray(newById.Keys.Except(oldById.Keys).Select(id => (JsonNode)id).ToArray()),
            ["scoreChanges"] = scoreChanges,
        };
        return (overlap, maxDelta, diff);
    }
}
