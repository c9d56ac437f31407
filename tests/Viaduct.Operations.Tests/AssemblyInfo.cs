// The engines' OpenTelemetry exporters listen to the Viaduct.Engines meter of every host in the process (see the
// metrics tests): hosts of two tests at once would show in each other's /metrics. One test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
