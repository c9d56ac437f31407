using System.Globalization;
using Microsoft.Extensions.Options;
using Viaduct.Shared.Data.Operations;

namespace Viaduct.Dashboard.Operator;

/// <summary>
/// The operator page: one static page (HTML, CSS and script embedded in this assembly, nothing from elsewhere) that
/// reads <c>/ops/api/status</c> every few seconds and draws the engines, the latest files and the parked cases.
/// </summary>
public static class OperatorPage
{
    public const string Path = "/ops";

    public const string StatusPath = Path + "/api/status";

    // The page runs only its own script and style and talks only to this host.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapOperatorPage(this IEndpointRouteBuilder endpoints, DashboardAccess access)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(access);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ViaductDashboardOptions>>().Value;
        var html = Resource("ops.html").Replace(
            "{{refreshMs}}", ((long)options.RefreshInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var css = Resource("ops.css");
        var script = Resource("ops.js");

        var ops = endpoints.MapGroup(Path).ExcludeFromDescription();
        ops.AddEndpointFilter(async (context, next) =>
            access.Allows(context.HttpContext) ? await next(context) : Results.Unauthorized());

        ops.MapGet("", (HttpContext http) => Asset(http, html, "text/html; charset=utf-8"));
        ops.MapGet("/ops.css", (HttpContext http) => Asset(http, css, "text/css; charset=utf-8"));
        ops.MapGet("/ops.js", (HttpContext http) => Asset(http, script, "text/javascript; charset=utf-8"));
        ops.MapGet("/api/status", async (HttpContext http, StatusReader reader, IOptions<ViaductDashboardOptions> settings, CancellationToken cancellationToken) =>
        {
            NoStore(http);
            return await reader.ReadAsync(settings.Value.LatestFiles, settings.Value.ParkedCases, cancellationToken);
        });
        return endpoints;
    }

    private static IResult Asset(HttpContext http, string content, string contentType)
    {
        NoStore(http);
        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Text(content, contentType);
    }

    // An operator who reloads must see this host's current page and figures, not a cached copy.
    private static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";

    private static string Resource(string name)
    {
        var assembly = typeof(OperatorPage).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Viaduct.Dashboard.Operator.{name}")
            ?? throw new InvalidOperationException($"the operator page's {name} is not embedded in {assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
