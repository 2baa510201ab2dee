using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// Pulls models through the strategy chain: into podman's artifact store (PodmanArtifact), podman's image
/// store (PodmanImage), or the local store with the built-in registry client (HttpBind); optionally exports
/// the files of a locally stored model.
/// </summary>
[Cmdlet(VerbsData.Save, "ModelArtifact", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(ModelArtifact))]
public sealed class SaveModelArtifactCommand : StrategyCmdlet
{
    private const string ReferenceSet = "Reference";
    private const string InputObjectSet = "InputObject";
    private const string Action = "Download model artifact";

    private RegistryClients? _clients;
    private StrategyName? _requested;
    private int _nextActivityId;

    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public string[] Reference { get; set; } = Array.Empty<string>();

    /// <summary>An artifact from Get-ModelArtifact -Remote (or a store, to refresh it).</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>How to pull: Auto (default: MODELPACK_STRATEGY, the config file, else the first viable), PodmanArtifact, PodmanImage or HttpBind.</summary>
    [Parameter]
    [StrategyNameTransformation]
    public StrategyName Strategy { get; set; } = StrategyName.Auto;

    /// <summary>podman, docker, none, auto, or a path to a podman or docker executable.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Engine { get; set; }

    /// <summary>Also copy the model's files into this folder (HttpBind only: the files must be on disk).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    public SwitchParameter SkipTlsVerify { get; set; }

    /// <summary>How many times a failed registry request is sent again (0: never). Default: the config file's maxRetry, else 5.</summary>
    [Parameter]
    [ValidateRange(0, MaxRetryLimit)]
    public int MaxRetry { get; set; } = RegistryClientOptions.DefaultMaxRetry;

    /// <summary>Re-download and re-verify everything, and overwrite files under -Path.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _clients = CreateRegistryClients(Credential, SkipTlsVerify, MaxRetry, PostVerbose, PostDebug);
        OpenChain(Engine, ReferenceKindCache.Session);
        _requested = RequestedStrategy(Strategy);
        var chosen = EnsureEngineSupports(_requested);
        if (Path is null)
        {
            return;
        }

        // -Path copies files out of the local store, so it needs HttpBind; Auto takes it.
        if (chosen == StrategyName.Auto)
        {
            _requested = StrategyName.HttpBind;
            WriteVerbose("-Path exports files from the local store, so the models are saved with HttpBind.");
        }
        else if (chosen != StrategyName.HttpBind)
        {
            var (_, source) = StrategySelector.Resolve(_requested, Settings);
            ThrowModelPackError(new ModelPackException(
                ErrorIds.StrategyUnavailable,
                ErrorKind.ResourceUnavailable,
                $"-Path copies the model's files out of the local store, which only HttpBind fills, but {DescribeStrategySource(source)} asks for {chosen}, which keeps models in podman's store. Use -Strategy HttpBind with -Path, or save without -Path.",
                chosen.ToString()));
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            var artifact = InputObject!;
            if (artifact.Registry is null)
            {
                WriteModelPackError(new ModelPackException(
                    ErrorIds.InvalidReference,
                    ErrorKind.InvalidArgument,
                    $"'{artifact.Reference}' ({artifact.Strategy}) names no registry to download from. Pipe artifacts from Get-ModelArtifact -Remote, or pass -Reference 'registry/repository:tag'.",
                    artifact.Reference));
                return;
            }

            Save(artifact.Reference);
            return;
        }

        foreach (var text in Reference)
        {
            Save(text);
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

    private void Save(string text)
    {
        var reference = ParseReferenceOrWriteError(text);
        if (reference is null || !ShouldProcess(reference.ToString(), Action))
        {
            return;
        }

        try
        {
            var artifact = Pull(reference);
            WriteVerbose($"Saved '{reference}' ({artifact.Digest}) with {artifact.Strategy}{(artifact.Path is null ? string.Empty : $" to '{artifact.Path}'")}.");
            if (Path is not null)
            {
                if (artifact.Path is null)
                {
                    throw new ModelPackException(ErrorIds.StrategyUnavailable, ErrorKind.ResourceUnavailable, $"'{reference}' was saved with {artifact.Strategy}, which leaves no files to export. Use -Strategy HttpBind with -Path.", reference.ToString());
                }

                var destination = ResolveFileSystemPath(Path);
                var count = SnapshotExporter.Export(artifact.Path, destination, Force, StopToken);
                WriteVerbose($"Exported {count} file(s) of '{reference}' to '{destination}'.");
            }

            if (PassThru)
            {
                WriteObject(artifact);
            }
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, reference.ToString());
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorIds.ModelStoreAccessFailed, ErrorCategory.WriteError, $"Saving '{reference}' failed while writing to the store or to -Path: {ex.Message}", reference.ToString(), ex);
        }
    }

    /// <summary>Picks the strategy for the reference's kind (local stores, else one manifest GET) and pulls through it.</summary>
    private ModelArtifact Pull(ModelReference reference)
    {
        var chain = Chain;
        var clients = _clients!;
        var progress = new PullProgressWriter(reference.ToString(), () => Interlocked.Increment(ref _nextActivityId), WriteProgress);
        var pull = new PullContext
        {
            Client = clients.For(reference),
            Options = new PullOptions
            {
                Force = Force,
                Concurrency = Settings.Concurrency ?? new PullOptions().Concurrency,
                Progress = new PostingProgress(this, progress),
                Log = PostVerbose,
            },
            Credential = clients.Access.Credential,
        };
        foreach (var registry in clients.Access.InsecureRegistries)
        {
            pull.InsecureRegistries.Add(registry);
        }

        if (clients.Access.AllowsInsecure(reference))
        {
            pull.InsecureRegistries.Add(reference.Registry);
        }

        ProgressRecord? enginePull = null;
        try
        {
            return Run(
                async token =>
                {
                    var kind = await chain.Resolver.ResolveAsync(reference, pull.Client, token).ConfigureAwait(false);
                    var selection = StrategySelector.Select(_requested, Settings, chain.Engine, kind.Kind, kind.PodmanMounts);
                    PostVerbose($"'{reference}' is a {(kind.Kind == ReferenceKind.Image ? "model image" : "ModelPack artifact")} (from {kind.Source}); strategy {selection.Strategy}" +
                        (selection.Requested == StrategyName.Auto ? " (Auto)" : $" (set by {DescribeStrategySource(selection.Source)})") + ".");
                    if (selection.Strategy != StrategyName.HttpBind)
                    {
                        // podman reports no byte counts: one record for the whole pull.
                        Post(() =>
                        {
                            enginePull = new ProgressRecord(Interlocked.Increment(ref _nextActivityId), "Save-ModelArtifact " + reference, $"podman pulls it ({selection.Strategy})") { PercentComplete = -1 };
                            WriteProgress(enginePull);
                        });
                    }

                    pull.Kind = kind.Kind;
                    return await chain.Get(selection.Strategy).PullAsync(reference, pull, token).ConfigureAwait(false);
                },
                progress.Flush);
        }
        finally
        {
            if (!StopToken.IsCancellationRequested)
            {
                progress.Complete();
                if (enginePull is not null)
                {
                    WriteProgress(new ProgressRecord(enginePull.ActivityId, enginePull.Activity, enginePull.StatusDescription) { RecordType = ProgressRecordType.Completed });
                }
            }
        }
    }

    /// <summary>Hands reports from download threads to the pipeline thread.</summary>
    private sealed class PostingProgress : IProgress<PullProgress>
    {
        private readonly SaveModelArtifactCommand _cmdlet;
        private readonly PullProgressWriter _writer;

        public PostingProgress(SaveModelArtifactCommand cmdlet, PullProgressWriter writer)
        {
            _cmdlet = cmdlet;
            _writer = writer;
        }

        public void Report(PullProgress value) => _cmdlet.Post(() => _writer.Report(value));
    }
}
