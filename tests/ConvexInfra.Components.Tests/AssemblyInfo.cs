// Pulumi's test deployments and the PULUMI_CONFIG variables one test sets are process-wide: every test class
// in this assembly (whatever its target) runs one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
