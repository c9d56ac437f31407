using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Viaduct.Engines.E4.Loader.Posting;

/// <summary>Creates each job's object in its own DI scope of this host (not Hangfire's process-wide default).</summary>
public sealed class ServiceProviderJobActivator(IServiceScopeFactory scopes) : JobActivator
{
    public override JobActivatorScope BeginScope(JobActivatorContext context) => new Scope(scopes.CreateAsyncScope());

    private sealed class Scope(AsyncServiceScope scope) : JobActivatorScope
    {
        public override object Resolve(Type type) => scope.ServiceProvider.GetRequiredService(type);

        public override void DisposeScope() => scope.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
