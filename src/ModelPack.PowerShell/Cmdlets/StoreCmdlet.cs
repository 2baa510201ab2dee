using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ModelPack.Core.Configuration;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Store;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// Cmdlets that use the local store and registries: the settings (MODELPACK_STORE, else the config
/// file's <c>store</c>, else the platform data directory; the config file's insecureRegistries, maxRetry and
/// concurrency), where the store is, and matching -Reference values against stored artifacts.
/// </summary>
public abstract class StoreCmdlet : ModelPackCmdlet
{
    /// <summary>The name of the -MaxRetry parameter of the cmdlets that talk to registries.</summary>
    internal const string MaxRetryParameter = "MaxRetry";

    /// <summary>
    /// The largest -MaxRetry: it keeps a slip (-MaxRetry 10000) from hammering a failing registry; the client's
    /// two-minute budget per streak of failures ends an ordinary storm well before this many retries anyway.
    /// </summary>
    internal const int MaxRetryLimit = 100;

    private HostEnvironment? _environment;
    private ModelPackSettings? _settings;
    private ModelStore? _store;
    private bool _looked;
    private RegistryClients? _clients;
    private ShortNameChooser? _shortNames;

    /// <summary>
    /// The process environment, with relative paths (an engine given as <c>./podman</c>, a relative
    /// MODELPACK_CONFIG) resolved from PowerShell's current location rather than the process directory.
    /// </summary>
    internal HostEnvironment HostEnvironment =>
        _environment ??= HostEnvironment.Current.WithCurrentDirectory(SessionState.Path.CurrentFileSystemLocation.ProviderPath);

    /// <summary>Environment variables over the config file, read once per invocation; a bad config file stops the command.</summary>
    internal ModelPackSettings Settings
    {
        get
        {
            if (_settings is null)
            {
                try
                {
                    _settings = ModelPackSettingsLoader.Load(HostEnvironment);
                }
                catch (ModelPackException ex)
                {
                    ThrowModelPackError(ex);
                }

                foreach (var warning in _settings!.Warnings)
                {
                    WriteWarning(warning);
                }
            }

            return _settings;
        }
    }

    /// <summary>The local store's folder; a relative MODELPACK_STORE (or config <c>store</c>) is taken from the current location.</summary>
    internal string StoreRoot => StoreLocation.Resolve(Settings.Store, baseDirectory: HostEnvironment.CurrentDirectory);

    /// <summary>Whether the store has been created (reading must not create one).</summary>
    internal bool StoreExists => File.Exists(Path.Combine(StoreRoot, OciLayout.LayoutFileName));

    /// <summary>The local (HttpBind) store, created when needed (packing, saving).</summary>
    internal ModelStore OpenStore() => _store ??= OpenStoreAt(StoreRoot);

    /// <summary>
    /// Opens the store at <paramref name="root"/> with the config file's durability and archive limits. What
    /// opening finds after a system stop (blobs damaged before they reached the disk, artifacts removed because
    /// of it) is a warning: the user has to Save those again.
    /// </summary>
    internal ModelStore OpenStoreAt(string root) => OpenStoreAt(root, Settings, WriteWarning);

    /// <summary>The same from any thread: <paramref name="warn"/> must be safe to call there.</summary>
    internal static ModelStore OpenStoreAt(string root, ModelPackSettings settings, Action<string> warn)
    {
        var store = ModelStore.Open(root, warn);
        store.Durability = settings.Durability ?? StoreDurability.Deferred;
        store.ArchiveLimits = settings.ArchiveLimits;
        return store;
    }

    /// <summary>
    /// The local store that holds a listed artifact (its StorePath), even if MODELPACK_STORE changed since it was
    /// listed; when it cannot be opened, that is the input's error and the result is null.
    /// </summary>
    internal ModelStore? OpenStoreOf(ModelArtifact artifact)
    {
        try
        {
            return OpenStoreAt(artifact.StorePath!);
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, artifact.StorePath);
            return null;
        }
    }

    /// <summary>The local store, or null when none has been created yet (reading must not create one).</summary>
    internal ModelStore? ExistingStore()
    {
        if (_looked)
        {
            return _store;
        }

        _looked = true;
        if (!StoreExists)
        {
            WriteVerbose($"The store '{StoreRoot}' does not exist yet: nothing has been saved there.");
            return null;
        }

        try
        {
            _store = OpenStoreAt(StoreRoot);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, StoreRoot);
        }

        return _store;
    }

    /// <summary>Every complete model in the local store (verbose for what is skipped); empty when there is no store.</summary>
    internal IReadOnlyList<ModelArtifact> ListStore()
    {
        var store = ExistingStore();
        if (store is null)
        {
            return new List<ModelArtifact>();
        }

        try
        {
            var skipped = new List<string>();
            var damaged = new List<string>();
            var list = store.List(skipped.Add, damaged.Add);
            foreach (var line in skipped)
            {
                WriteVerbose(line);
            }

            foreach (var line in damaged)
            {
                WriteWarning(line);
            }

            return list;
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, store.Root);
            return new List<ModelArtifact>();
        }
    }

    /// <summary>
    /// The registry clients of this invocation (made on the first call, disposed with the cmdlet), from the cmdlet's
    /// -Credential, -SkipTlsVerify and -MaxRetry and the config file: -MaxRetry when given, else the file's
    /// <c>maxRetry</c>, else the client's default. What the clients decide is Verbose, each HTTP request and answer
    /// Debug, posted from any thread while <see cref="ModelPackCmdlet.Run{T}"/> runs. Call it on the pipeline thread.
    /// </summary>
    internal RegistryClients OpenRegistryClients(PSCredential? credential, bool skipTlsVerify, int maxRetry) =>
        _clients ??= CreateRegistryClients(credential, skipTlsVerify, maxRetry);

    /// <summary>
    /// The fully qualified reference a pull of <paramref name="text"/> reads (<see cref="ShortNameChooser"/>): itself when
    /// it names its registry, else what registries.conf resolves the short name to. A failure is reported for this
    /// input (the text as target) and gives null. Call it on the pipeline thread, after <see cref="OpenRegistryClients"/>.
    /// </summary>
    internal (ModelReference Reference, bool Prompted)? ResolveForPull(string text, ModelReference parsed)
    {
        if (!parsed.IsShortName)
        {
            return (parsed, false);
        }

        try
        {
            _shortNames ??= new ShortNameChooser(WriteVerbose);
            return _shortNames.Choose(this, text, parsed, _clients!);
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, text);
            return null;
        }
    }

    /// <summary>
    /// For a short name that nothing is stored under in Docker's reading (docker.io): the first of its registries.conf
    /// candidates (alias, search registries; no request, no prompt) that is stored, so that what
    /// <c>Save-ModelArtifact tiny</c> stored is found again as <c>tiny</c>; null when none is.
    /// </summary>
    internal ModelReference? StoredCandidate(IReadOnlyList<ModelArtifact> stored, ModelReference reference)
    {
        if (!reference.IsShortName || StoreMatcher.ByReference(stored, reference).Any())
        {
            return null;
        }

        ShortNameResolution resolution;
        try
        {
            resolution = (_shortNames ??= new ShortNameChooser(WriteVerbose)).Resolver.Resolve(reference);
        }
        catch (ModelPackException ex)
        {
            WriteVerbose($"'{reference.ShortName}' could not be resolved through registries.conf ({ex.Message}); it is looked up as '{reference}'.");
            return null;
        }

        foreach (var candidate in resolution.Candidates.Where(c => c != reference))
        {
            if (StoreMatcher.ByReference(stored, candidate).Any())
            {
                WriteVerbose($"Short name '{reference.ShortName}' names '{candidate}' in the store ({resolution.Describe()}).");
                return candidate;
            }
        }

        return null;
    }

    /// <summary>After a pull of a candidate the user chose at the prompt succeeded: records it as podman does.</summary>
    internal void RememberShortName(ModelReference parsed, ModelReference chosen) => _shortNames?.Remember(this, parsed, chosen);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _clients?.Dispose();
        }

        base.Dispose(disposing);
    }

    private RegistryClients CreateRegistryClients(PSCredential? credential, bool skipTlsVerify, int maxRetry)
    {
        var (retries, source) = MyInvocation.BoundParameters.ContainsKey(MaxRetryParameter)
            ? (maxRetry, "-" + MaxRetryParameter)
            : Settings.MaxRetry is int configured
                ? (configured, $"the config file '{Settings.ConfigFilePath}'")
                : ((int?)null, "the default");
        var access = new RegistryAccess(credential, skipTlsVerify, retries, source, Settings.InsecureRegistries)
        {
            MinTransferRate = Settings.MinTransferRate ?? RegistryClientOptions.DefaultMinTransferRate,
            TransferRateWindow = Settings.TransferRateWindow ?? RegistryClientOptions.DefaultTransferRateWindow,
        };
        WriteVerbose($"Failed registry requests are retried up to {access.MaxRetry} time(s) (MaxRetry from {access.MaxRetrySource}).");
        return new RegistryClients(access, PostVerbose, PostDebug);
    }

    /// <summary>
    /// The stored artifacts one -Reference value names (see <see cref="StoreMatcher"/>). An invalid
    /// reference is InvalidModelReference; a plain value that names nothing is ModelArtifactNotFound
    /// (saying it is in none of <paramref name="where"/>, with <paramref name="hint"/>); a pattern that
    /// matches nothing is not an error. Without <paramref name="allowPatterns"/> a pattern is parsed as a
    /// reference (and so refused as invalid). A reference the listing does not show is looked up with
    /// <paramref name="unlisted"/> when given (a store may hold what it does not list: podman images without model labels).
    /// </summary>
    internal List<ModelArtifact> Resolve(IReadOnlyList<ModelArtifact> stored, string value, string where, string hint, bool allowPatterns = true, Func<Core.References.ModelReference, List<ModelArtifact>>? unlisted = null)
    {
        if (allowPatterns && StoreMatcher.IsPattern(value))
        {
            return StoreMatcher.ByPattern(stored, value).ToList();
        }

        var matched = StoreMatcher.ByDigest(stored, value)?.ToList();
        if (matched is null)
        {
            var reference = ParseReferenceOrWriteError(value);
            if (reference is null)
            {
                return new List<ModelArtifact>();
            }

            matched = StoreMatcher.ByReference(stored, StoredCandidate(stored, reference) ?? reference).ToList();
            if (matched.Count == 0 && unlisted is not null)
            {
                matched = unlisted(reference);
            }
        }

        if (matched.Count == 0)
        {
            WriteModelPackError(CmdletErrors.NotFound(value, where, hint));
        }

        return matched;
    }
}
