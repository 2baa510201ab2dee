using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>Downloads ModelPack artifacts from their registries into the local store (HttpBind), and optionally exports their files.</summary>
[Cmdlet(VerbsData.Save, "ModelArtifact", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(ModelArtifact))]
public sealed class SaveModelArtifactCommand : StoreCmdlet
{
    private const string ReferenceSet = "Reference";
    private const string InputObjectSet = "InputObject";
    private const string Action = "Download model artifact";

    private RegistryClients? _clients;
    private volatile PipelinePump? _pump;
    private int _nextActivityId;

    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public string[] Reference { get; set; } = Array.Empty<string>();

    /// <summary>An artifact from Get-ModelArtifact -Remote (or the store, to refresh it).</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>Also copy the model's files into this folder.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    public SwitchParameter SkipTlsVerify { get; set; }

    /// <summary>Re-download and re-verify everything, and overwrite files under -Path.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _clients = CreateRegistryClients(Credential, SkipTlsVerify, line => _pump?.Post(() => WriteVerbose(line)));
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
            var result = Pull(reference, OpenStore());
            if (result.UpToDate)
            {
                WriteVerbose($"'{reference}' is already in the store and unchanged in the registry ({result.Artifact.Digest}); no blob was downloaded.");
            }
            else
            {
                WriteVerbose($"Saved '{reference}' ({result.Artifact.Digest}) to '{result.Artifact.Path}': {result.BlobsDownloaded} blob(s), {result.BytesDownloaded} bytes downloaded.");
            }

            if (Path is not null)
            {
                var destination = ResolveFileSystemPath(Path);
                var count = SnapshotExporter.Export(result.Artifact.Path!, destination, Force, StopToken);
                WriteVerbose($"Exported {count} file(s) of '{reference}' to '{destination}'.");
            }

            if (PassThru)
            {
                WriteObject(result.Artifact);
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

    private PullResult Pull(ModelReference reference, ModelStore store)
    {
        var client = _clients!.For(reference);
        var progress = new PullProgressWriter(reference.ToString(), () => Interlocked.Increment(ref _nextActivityId), WriteProgress);
        using var pump = new PipelinePump();
        var options = new PullOptions
        {
            Force = Force,
            Concurrency = Settings.Concurrency ?? new PullOptions().Concurrency,
            Progress = new PostingProgress(pump, progress),
            Log = line => pump.Post(() => WriteVerbose(line)),
        };
        _pump = pump;
        try
        {
            return pump.Run(token => store.PullAsync(client, reference, options, token), StopToken, progress.Flush);
        }
        finally
        {
            _pump = null;
            if (!StopToken.IsCancellationRequested)
            {
                progress.Complete();
            }
        }
    }

    /// <summary>Hands reports from download threads to the pipeline thread.</summary>
    private sealed class PostingProgress : IProgress<PullProgress>
    {
        private readonly PipelinePump _pump;
        private readonly PullProgressWriter _writer;

        public PostingProgress(PipelinePump pump, PullProgressWriter writer)
        {
            _pump = pump;
            _writer = writer;
        }

        public void Report(PullProgress value) => _pump.Post(() => _writer.Report(value));
    }
}
