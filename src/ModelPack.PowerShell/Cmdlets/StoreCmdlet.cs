using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ModelPack.Core.Configuration;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Store;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// Cmdlets that use the local store and registries: the settings (MODELPACK_STORE, else the config
/// file's <c>store</c>, else the platform data directory; the config file's insecureRegistries and
/// concurrency), the store, and matching -Reference values against it.
/// </summary>
public abstract class StoreCmdlet : ModelPackCmdlet
{
    private ModelPackSettings? _settings;
    private ModelStore? _store;
    private bool _looked;

    /// <summary>Environment variables over the config file, read once per invocation; a bad config file stops the command.</summary>
    internal ModelPackSettings Settings
    {
        get
        {
            if (_settings is null)
            {
                try
                {
                    _settings = ModelPackSettingsLoader.Load();
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

    internal string StoreRoot => StoreLocation.Resolve(Settings.Store);

    /// <summary>The store, created when needed (for saving).</summary>
    internal ModelStore OpenStore() => _store ??= ModelStore.Open(StoreRoot);

    /// <summary>The store, or null when none has been created yet (reading must not create one).</summary>
    internal ModelStore? ExistingStore()
    {
        if (_looked)
        {
            return _store;
        }

        _looked = true;
        var root = StoreRoot;
        if (!File.Exists(Path.Combine(root, OciLayout.LayoutFileName)))
        {
            WriteVerbose($"The store '{root}' does not exist yet: nothing has been saved there.");
            return null;
        }

        try
        {
            _store = ModelStore.Open(root);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, root);
        }

        return _store;
    }

    /// <summary>Registry clients for this invocation; verbose lines go to <paramref name="log"/> (from any thread).</summary>
    internal RegistryClients CreateRegistryClients(PSCredential? credential, bool skipTlsVerify, Action<string> log) =>
        new(credential, skipTlsVerify, Settings.InsecureRegistries, log);

    /// <summary>Every complete model in the store (verbose for what is skipped); empty when there is no store.</summary>
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
            var list = store.List(skipped.Add);
            foreach (var line in skipped)
            {
                WriteVerbose(line);
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
    /// The stored artifacts one -Reference value names (see <see cref="StoreMatcher"/>). An invalid
    /// reference is InvalidModelReference; a plain value that names nothing is ModelArtifactNotFound
    /// (with <paramref name="hint"/>); a pattern that matches nothing is not an error. Without
    /// <paramref name="allowPatterns"/> a pattern is parsed as a reference (and so refused as invalid).
    /// </summary>
    internal List<ModelArtifact> Resolve(IReadOnlyList<ModelArtifact> stored, string value, string hint, bool allowPatterns = true)
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

            matched = StoreMatcher.ByReference(stored, reference).ToList();
        }

        if (matched.Count == 0)
        {
            WriteModelPackError(new ModelPackException(
                ErrorIds.ModelArtifactNotFound,
                ErrorKind.ObjectNotFound,
                $"No model artifact '{value}' in the store '{StoreRoot}'. {hint}",
                value));
        }

        return matched;
    }
}
