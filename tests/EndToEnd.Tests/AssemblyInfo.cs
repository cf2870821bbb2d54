using Xunit;

// Each test class stands up a whole system (four hosts); on a 2-core machine they run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
