using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.References;

namespace ModelPack.Core.Registry;

/// <summary>
/// Resolves short names (a reference that names no registry: <c>tiny</c>, <c>org/model:v1</c>) the way podman does
/// (containers-registries.conf(5), "Short-Name Aliasing"): an alias of short-name-aliases.conf, else of
/// registries.conf's <c>[aliases]</c>, is the one candidate; else each <c>unqualified-search-registries</c> entry gives
/// one, in order, and <c>short-name-mode</c> (default permissive) says what to do with several: enforcing asks the user
/// (the caller's prompt; without one the pull fails), permissive and disabled take the first registry that has the
/// manifest (<see cref="FirstAvailableAsync"/>). A tag or digest written with the short name is kept. Where registries.conf
/// has no search list at all, a short name keeps Docker's reading (docker.io), as it always had in this module.
/// Reads the configuration once per resolver.
/// </summary>
public sealed class ShortNameResolver
{
    public const string Enforcing = "enforcing";
    public const string Permissive = "permissive";
    public const string Disabled = "disabled";

    private readonly RegistryEnvironment _environment;
    private readonly Action<string> _log;
    private RegistriesConf? _conf;
    private IReadOnlyDictionary<string, string>? _cache;
    private string? _cachePath;

    public ShortNameResolver(RegistryEnvironment? environment = null, Action<string>? log = null)
    {
        _environment = environment ?? RegistryEnvironment.Current;
        _log = log ?? (_ => { });
    }

    /// <summary>The candidates <paramref name="reference"/> stands for.</summary>
    /// <exception cref="ModelPackException">InvalidConfiguration (a file, or an alias that is not a fully qualified name); ShortNameNotFound (an empty search list).</exception>
    public ShortNameResolution Resolve(ModelReference reference)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        if (!reference.IsShortName)
        {
            return new ShortNameResolution(reference, ShortNameSource.Qualified, new[] { reference }, Permissive, null);
        }

        var conf = _conf ??= RegistriesConf.Load(_environment, _log);
        if (_cache is null)
        {
            _cachePath = ShortNameAliasCache.Locate(_environment);
            _cache = ShortNameAliasCache.Read(_cachePath);
        }

        var mode = string.IsNullOrEmpty(conf.ShortNameMode) ? Permissive : conf.ShortNameMode!;
        var name = reference.ShortName!;
        if (_cache.TryGetValue(name, out var cached))
        {
            return Aliased(reference, ShortNameSource.AliasCache, cached, _cachePath!, mode);
        }

        if (conf.Aliases.TryGetValue(name, out var alias))
        {
            return Aliased(reference, ShortNameSource.Alias, alias, string.Join(", ", conf.Sources), mode);
        }

        var origin = string.Join(", ", conf.Sources);
        if (conf.UnqualifiedSearchRegistries is not IReadOnlyList<string> search)
        {
            return new ShortNameResolution(reference, ShortNameSource.DockerHub, new[] { reference }, mode, null);
        }

        if (search.Count == 0)
        {
            throw ShortNameErrors.NoSearchRegistries(name, origin);
        }

        var candidates = search.Select(registry => Candidate(registry.Trim().TrimEnd('/'), reference, origin)).Distinct().ToList();
        return new ShortNameResolution(reference, ShortNameSource.SearchRegistries, candidates, mode, origin);
    }

    /// <summary>
    /// The first candidate whose registry has the manifest (a HEAD, through that registry's mirrors), for permissive
    /// and disabled modes; says in the log which answered and why the others did not.
    /// </summary>
    /// <param name="clientFor">The registry client to ask a candidate with.</param>
    /// <exception cref="ModelPackException">ShortNameNotFound: no candidate has it (each one's failure named).</exception>
    public static async Task<ModelReference> FirstAvailableAsync(ShortNameResolution resolution, Func<ModelReference, RegistryClient> clientFor, Action<string>? log, CancellationToken cancellationToken)
    {
        if (resolution is null || clientFor is null)
        {
            throw new ArgumentNullException(resolution is null ? nameof(resolution) : nameof(clientFor));
        }

        if (resolution.Candidates.Count == 1)
        {
            return resolution.Candidates[0];
        }

        var failures = new List<string>();
        foreach (var candidate in resolution.Candidates)
        {
            try
            {
                await clientFor(candidate).Repository(candidate).HeadManifestAsync(candidate.Digest ?? candidate.Tag!, cancellationToken).ConfigureAwait(false);
                log?.Invoke($"Short name '{resolution.Input.ShortName}' resolved to '{candidate}', the first candidate whose registry has it.");
                return candidate;
            }
            catch (ModelPackException ex)
            {
                log?.Invoke($"Candidate '{candidate}' of short name '{resolution.Input.ShortName}' is not available: {ex.Message}");
                failures.Add($"'{candidate}': {ex.Message}");
            }
        }

        throw ShortNameErrors.NotFound(resolution, failures);
    }

    /// <summary>
    /// Records <paramref name="chosen"/> as the alias of the short name <paramref name="input"/> in podman's alias cache,
    /// as podman does after the user picked a candidate at its prompt and the pull succeeded. Returns the file written;
    /// null when there is none to write (no home) or it could not be written (logged: the pull stands).
    /// </summary>
    public string? Record(ModelReference input, ModelReference chosen)
    {
        if (input is null || chosen is null || !input.IsShortName)
        {
            return null;
        }

        var path = _cachePath ?? ShortNameAliasCache.Locate(_environment);
        if (path is null)
        {
            return null;
        }

        try
        {
            ShortNameAliasCache.Record(path, input.ShortName!, chosen.Name);
            _cache = null;
            return path;
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or ModelPackException)
        {
            _log($"The alias '{input.ShortName}' = '{chosen.Name}' could not be recorded in '{path}': {ex.Message}");
            return null;
        }
    }

    internal static string List(IEnumerable<ModelReference> candidates) => string.Join(", ", candidates.Select(c => "'" + c + "'"));

    private static ShortNameResolution Aliased(ModelReference reference, ShortNameSource source, string value, string origin, string mode)
    {
        if (!ModelReference.TryParse(value, out var target, out var error) || target!.IsShortName || target.Digest is not null || value.LastIndexOf(':') > value.LastIndexOf('/'))
        {
            throw ShortNameErrors.BadAlias(reference.ShortName!, value, origin, error);
        }

        return new ShortNameResolution(reference, source, new[] { WithTagAndDigest(target, reference) }, mode, origin);
    }

    private static ModelReference Candidate(string registry, ModelReference reference, string origin)
    {
        var text = registry + "/" + reference.ShortName + TagAndDigest(reference);
        if (!ModelReference.TryParse(text, out var candidate, out var error) || candidate!.IsShortName)
        {
            throw ShortNameErrors.BadSearchRegistry(registry, origin, error);
        }

        return candidate;
    }

    private static ModelReference WithTagAndDigest(ModelReference target, ModelReference reference) =>
        ModelReference.Parse(target.Name + TagAndDigest(reference));

    /// <summary>":tag", "@digest" or both, as the short name was written.</summary>
    private static string TagAndDigest(ModelReference reference) =>
        (reference.Tag is null ? string.Empty : ":" + reference.Tag) + (reference.Digest is null ? string.Empty : "@" + reference.Digest);
}
