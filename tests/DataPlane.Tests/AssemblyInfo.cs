// Each test builds a lab and holds hundreds of connections; on two cores they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
