using System.Text.Json;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Persistence;
using Pipeline.Platform.Serialization;
using Pipeline.Persistence.Experiments;

namespace Pipeline.Rollouts.Experiments;

/// <summary>
/// Starts an experiment: one shadow-only request per question and workflow variant, published as a replay is (the
/// experiment's id as replay id: no caller, no history, no cache writes, ignored by metrics, alerts and rollouts), with
/// the variant's step flags; the legacy variant is the legacy side of the first workflow variant's request. The
/// experiment, its pending answers and the requests are stored in one transaction (the bus outbox): all or nothing.
/// </summary>
public sealed class ExperimentLauncher(PipelineDbContext db, IPublishEndpoint publish, TimeProvider time)
{
    public async Task<Experiment> StartAsync(ExperimentPlan plan, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var experiment = new Experiment
        {
            Id = NewId.NextGuid(),
            Name = plan.Name,
            FlagName = plan.Flag,
            Dataset = plan.Dataset,
            Questions = JsonSerializer.Serialize(plan.Questions, PipelineJson.Options),
            Variants = plan.Variants.ToList(),
            Treatment = plan.Treatment,
            Control = plan.Control,
            Total = plan.Questions.Count * plan.Variants.Count,
            CreatedAt = now,
            CreatedBy = plan.RequestedBy,
        };
        db.Add(experiment);

        var workflowVariants = plan.Variants.Where(v => v != ExperimentVariants.Legacy).ToList();
        foreach (var question in plan.Questions)
        {
            foreach (var variant in workflowVariants)
            {
                var requestId = NewId.NextGuid();
                Add(experiment, question.Id, variant, requestId);
                if (variant == workflowVariants[0] && plan.Variants.Contains(ExperimentVariants.Legacy))
                    Add(experiment, question.Id, ExperimentVariants.Legacy, requestId);
                await publish.Publish(new ChatRequested(
                    requestId, NewId.NextGuid(), question.Question, false, null, null, requestId.ToString("N"), null, now, experiment.Id,
                    StreamTokens: false, WorkflowSteps: ExperimentVariants.EnabledSteps(variant)), cancellationToken);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return experiment;
    }

    private void Add(Experiment experiment, string questionId, string variant, Guid requestId) =>
        db.Add(new ExperimentAnswer { Id = NewId.NextGuid(), ExperimentId = experiment.Id, QuestionId = questionId, Variant = variant, RequestId = requestId });
}
