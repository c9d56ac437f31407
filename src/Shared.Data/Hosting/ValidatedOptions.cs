using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Viaduct.Shared.Data.Hosting;

public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and checks it when the host starts: data
    /// annotations, then <paramref name="problems"/>, every problem reported at once with the setting's name.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(
        this IServiceCollection services, string section, Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class =>
        Validated(services.AddOptions<TOptions>().BindConfiguration(section), problems);

    /// <summary>The same, bound to a configuration section the caller holds (one not registered in the container).</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(
        this IServiceCollection services, IConfigurationSection section, Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class =>
        Validated(services.AddOptions<TOptions>().Bind(section), problems);

    private static OptionsBuilder<TOptions> Validated<TOptions>(OptionsBuilder<TOptions> bound, Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(problems);
        bound.Services.AddSingleton<IValidateOptions<TOptions>>(new ProblemsValidator<TOptions>(problems));
        return bound.ValidateDataAnnotations().ValidateOnStart();
    }

    private sealed class ProblemsValidator<TOptions>(Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
