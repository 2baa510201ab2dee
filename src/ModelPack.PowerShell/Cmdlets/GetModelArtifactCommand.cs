using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// Lists ModelPack models: in every store on this machine (default: podman's artifact and image stores and the
/// local store, merged), in a registry (-Remote), or in an OCI image layout (-Path).
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelArtifact", DefaultParameterSetName = StoreSet)]
[OutputType(typeof(ModelArtifact))]
public sealed class GetModelArtifactCommand : StrategyCmdlet
{
    private const string StoreSet = "Store";
    private const string RemoteSet = "Remote";
    private const string PathSet = "Path";

    private RegistryClients? _clients;
    private IReadOnlyList<IModelStrategy> _stores = Array.Empty<IModelStrategy>();
    private List<ModelArtifact>? _listing;

    [Parameter(ParameterSetName = StoreSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = PathSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RemoteSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public string[]? Reference { get; set; }

    /// <summary>Read manifest and config from the registry instead of the store; no layer is downloaded.</summary>
    [Parameter(ParameterSetName = RemoteSet, Mandatory = true)]
    public SwitchParameter Remote { get; set; }

    [Parameter(ParameterSetName = RemoteSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter(ParameterSetName = RemoteSet)]
    public SwitchParameter SkipTlsVerify { get; set; }

    /// <summary>How many times a failed registry request is sent again (0: never). Default: the config file's maxRetry, else 5.</summary>
    [Parameter(ParameterSetName = RemoteSet)]
    [ValidateRange(0, MaxRetryLimit)]
    public int MaxRetry { get; set; } = RegistryClientOptions.DefaultMaxRetry;

    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [Alias("LayoutPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>Only this strategy's store (default Auto: every store). MODELPACK_STRATEGY and the config file do not filter the listing.</summary>
    [Parameter(ParameterSetName = StoreSet)]
    [StrategyNameTransformation]
    public StrategyName Strategy { get; set; } = StrategyName.Auto;

    /// <summary>podman, docker, none, auto, or a path to a podman or docker executable: whose stores are listed.</summary>
    [Parameter(ParameterSetName = StoreSet)]
    [ValidateNotNullOrEmpty]
    public string? Engine { get; set; }

    protected override void BeginProcessing()
    {
        if (ParameterSetName == RemoteSet)
        {
            _clients = OpenRegistryClients(Credential, SkipTlsVerify, MaxRetry);
        }
        else if (ParameterSetName == StoreSet)
        {
            OpenChain(Engine, new ReferenceKindCache());
            var only = MyInvocation.BoundParameters.ContainsKey(StrategyParameter) ? Strategy : StrategyName.Auto;
            _stores = only == StrategyName.Auto ? Chain.Stores : new[] { Chain.Get(EnsureEngineSupports(only)) };
            if (!StoreExists && _stores.Any(s => s.Name == StrategyName.HttpBind))
            {
                WriteVerbose($"The store '{StoreRoot}' does not exist yet: nothing has been saved there.");
            }
        }
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PathSet:
                ListLayout();
                break;
            case RemoteSet:
                if (Reference is null)
                {
                    // Not declared mandatory: a mandatory pipeline parameter in this set would make PowerShell
                    // bind strings piped to plain Get-ModelArtifact to the Remote set instead of the store.
                    ThrowModelPackError(CmdletErrors.RemoteNeedsReference());
                }

                foreach (var text in Reference!)
                {
                    GetRemote(text);
                }

                break;
            default:
                ListStoreArtifacts();
                break;
        }
    }

    /// <summary>
    /// Every store's models in one list, in Auto order of the stores; a model with the same reference and
    /// digest in two stores is listed once, from the first (its Strategy says which).
    /// </summary>
    private List<ModelArtifact> ListStores()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return ListEach(_stores).Where(a => seen.Add(a.Reference + "@" + a.Digest)).ToList();
    }

    private void ListStoreArtifacts()
    {
        var stored = _listing ??= ListStores();
        if (Reference is null)
        {
            foreach (var artifact in stored)
            {
                WriteObject(artifact);
            }

            return;
        }

        var emitted = new HashSet<ModelArtifact>();
        foreach (var value in Reference)
        {
            foreach (var artifact in Resolve(stored, value, DescribeStores(_stores), "Save it with Save-ModelArtifact, or use -Remote to read it from its registry.", unlisted: r => FindEach(_stores, r)))
            {
                if (emitted.Add(artifact))
                {
                    WriteObject(artifact);
                }
            }
        }
    }

    private void GetRemote(string text)
    {
        if (StoreMatcher.IsPattern(text))
        {
            WriteModelPackError(CmdletErrors.RemotePattern(text));
            return;
        }

        var parsed = ParseReferenceOrWriteError(text);
        if (parsed is null || ResolveForPull(text, parsed) is not ({ } reference, _))
        {
            return;
        }

        try
        {
            // Inside the try: making the client reads registries.conf, which may be malformed (InvalidConfiguration).
            var client = _clients!.For(reference);
            WriteObject(Run(token => RemoteArtifactReader.GetAsync(client, reference, token)));
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, reference.ToString());
        }
    }

    private void ListLayout()
    {
        var root = ResolveFileSystemPath(Path);
        OciLayout layout;
        try
        {
            layout = OciLayout.Open(root);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, root);
            return;
        }

        var wanted = new LayoutFilter(Reference);
        var unreadable = new List<(Descriptor Entry, ModelSpecException Error)>();
        foreach (var entry in SafeEntries(layout, root, unreadable))
        {
            var name = entry.RefName ?? entry.Descriptor.Digest;
            if (wanted.Matches(name, entry.Descriptor.Digest))
            {
                WriteLayoutEntry(layout, entry, name);
            }
        }

        // A manifest that cannot be read at all is an error for that entry only; the others are listed.
        foreach (var (entry, error) in unreadable)
        {
            if (wanted.Matches(entry.Annotation(AnnotationKeys.RefName) ?? entry.Digest, entry.Digest))
            {
                WriteModelPackError(error);
            }
        }

        foreach (var missing in wanted.Unmatched())
        {
            WriteModelPackError(CmdletErrors.NotInLayout(missing, root));
        }
    }

    private void WriteLayoutEntry(OciLayout layout, LayoutEntry entry, string name)
    {
        if (!entry.Manifest.IsModelArtifact)
        {
            WriteVerbose($"Skipping '{name}' ({entry.Descriptor.Digest}): not a ModelPack model (artifactType '{entry.Manifest.ArtifactType ?? "none"}', config '{entry.Manifest.Config?.MediaType ?? "none"}').");
            return;
        }

        try
        {
            WriteObject(LayoutArtifacts.ToArtifact(layout, entry, name));
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, name);
        }
    }

    private IEnumerable<LayoutEntry> SafeEntries(OciLayout layout, string root, List<(Descriptor Entry, ModelSpecException Error)> unreadable)
    {
        IReadOnlyList<LayoutEntry> entries;
        try
        {
            entries = layout.ReadEntries((entry, error) => unreadable.Add((entry, error)));
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, root);
            yield break;
        }

        foreach (var e in entries)
        {
            yield return e;
        }
    }
}
