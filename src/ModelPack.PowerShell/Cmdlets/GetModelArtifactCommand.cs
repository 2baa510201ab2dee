using System;
using System.Collections.Generic;
using System.Management.Automation;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Registry;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>Lists ModelPack artifacts: in the local store (default), in a registry (-Remote), or in an OCI image layout (-Path).</summary>
[Cmdlet(VerbsCommon.Get, "ModelArtifact", DefaultParameterSetName = StoreSet)]
[OutputType(typeof(ModelArtifact))]
public sealed class GetModelArtifactCommand : StoreCmdlet
{
    private const string StoreSet = "Store";
    private const string RemoteSet = "Remote";
    private const string PathSet = "Path";

    private RegistryClients? _clients;
    private volatile PipelinePump? _pump;

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

    [Parameter(ParameterSetName = PathSet, Mandatory = true)]
    [Alias("LayoutPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    protected override void BeginProcessing()
    {
        if (ParameterSetName == RemoteSet)
        {
            _clients = CreateRegistryClients(Credential, SkipTlsVerify, line => _pump?.Post(() => WriteVerbose(line)));
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
                    ThrowModelPackError(new ModelPackException(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, "-Remote needs -Reference: the registry reference(s) to read, e.g. 'registry.example.com/models/tiny:v1'."));
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _clients?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void ListStoreArtifacts()
    {
        var stored = ListStore();
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
            foreach (var artifact in Resolve(stored, value, "Save it with Save-ModelArtifact, or use -Remote to read it from its registry."))
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
            WriteModelPackError(new ModelPackException(
                ErrorIds.InvalidReference,
                ErrorKind.InvalidArgument,
                $"'{text}' has wildcard characters; registries cannot be searched by pattern, so -Remote needs an exact reference such as 'registry.example.com/models/tiny:v1'.",
                text));
            return;
        }

        var reference = ParseReferenceOrWriteError(text);
        if (reference is null)
        {
            return;
        }

        var client = _clients!.For(reference);
        using var pump = new PipelinePump();
        _pump = pump;
        try
        {
            WriteObject(pump.Run(token => RemoteArtifactReader.GetAsync(client, reference, token), StopToken));
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, reference.ToString());
        }
        finally
        {
            _pump = null;
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

        var patterns = WildcardsFor(Reference);
        var matched = new bool[patterns.Count];
        foreach (var entry in SafeEntries(layout, root))
        {
            var name = entry.RefName ?? entry.Descriptor.Digest;
            var hit = patterns.Count == 0;
            for (var i = 0; i < patterns.Count; i++)
            {
                if (patterns[i].IsMatch(name) || patterns[i].IsMatch(entry.Descriptor.Digest))
                {
                    matched[i] = true;
                    hit = true;
                }
            }

            if (!hit)
            {
                continue;
            }

            if (!entry.Manifest.IsModelArtifact)
            {
                WriteVerbose($"Skipping '{name}' ({entry.Descriptor.Digest}): not a ModelPack model (artifactType '{entry.Manifest.ArtifactType ?? "none"}', config '{entry.Manifest.Config?.MediaType ?? "none"}').");
                continue;
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

        ReportUnmatched(patterns, matched, Reference, root);
    }

    private IEnumerable<LayoutEntry> SafeEntries(OciLayout layout, string root)
    {
        IReadOnlyList<LayoutEntry> entries;
        try
        {
            entries = layout.ReadEntries();
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

    private void ReportUnmatched(List<WildcardPattern> patterns, bool[] matched, string[]? references, string where)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (!matched[i] && !WildcardPattern.ContainsWildcardCharacters(references![i]))
            {
                WriteModelPackError(new ModelPackException(
                    ErrorIds.ModelArtifactNotFound,
                    ErrorKind.ObjectNotFound,
                    $"No model artifact '{references[i]}' in '{where}'.",
                    references[i]));
            }
        }
    }

    private static List<WildcardPattern> WildcardsFor(string[]? references)
    {
        var list = new List<WildcardPattern>();
        if (references is not null)
        {
            foreach (var r in references)
            {
                list.Add(WildcardPattern.Get(r, WildcardOptions.IgnoreCase));
            }
        }

        return list;
    }
}
