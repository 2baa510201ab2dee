using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.PartialPulls;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Transfer;
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
public sealed class SaveModelArtifactCommand : ModelInputCmdlet
{
    private const string Action = "Download model artifact";

    private RegistryClients? _clients;
    private StrategyName? _requested;
    private LayerFilter? _filter;

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

    /// <summary>Download only the files whose paths match one of these globs (a partial pull; HttpBind only).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Include { get; set; }

    /// <summary>Leave out the files whose paths match one of these globs (a partial pull; HttpBind only).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Exclude { get; set; }

    /// <summary>Download only the files of these kinds (a partial pull; HttpBind only).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public LayerKind[]? Kind { get; set; }

    protected override void BeginProcessing()
    {
        _clients = OpenRegistryClients(Credential, SkipTlsVerify, MaxRetry);
        OpenChain(Engine, ReferenceKindCache.Session);
        _requested = RequestedStrategy(Strategy);
        var chosen = EnsureEngineSupports(_requested);
        _filter = NewFilter();
        if (_filter is not null)
        {
            chosen = RequireHttpBind(chosen, "-Include, -Exclude and -Kind download only some files, which the local store does", CmdletErrors.PartialPullNeedsHttpBind);
        }

        if (Path is null)
        {
            return;
        }

        // -Path copies files out of the local store, so it needs HttpBind; Auto takes it.
        RequireHttpBind(chosen, "-Path exports files from the local store", CmdletErrors.PathNeedsHttpBind);
    }

    /// <summary>What needs the local store takes HttpBind when the strategy is Auto, and fails when it is another one.</summary>
    private StrategyName RequireHttpBind(StrategyName chosen, string why, Func<string, StrategyName, ModelPackException> refusal)
    {
        if (chosen == StrategyName.Auto)
        {
            _requested = StrategyName.HttpBind;
            WriteVerbose($"{why}, so the models are saved with HttpBind.");
            return StrategyName.HttpBind;
        }

        if (chosen != StrategyName.HttpBind)
        {
            var (_, source) = StrategySelector.Resolve(_requested, Settings);
            ThrowModelPackError(refusal(Settings.DescribeStrategySource(source), chosen));
        }

        return chosen;
    }

    /// <summary>The layer filter of -Include, -Exclude and -Kind (its globs checked now), or null without them.</summary>
    private LayerFilter? NewFilter()
    {
        var filter = new LayerFilter();
        foreach (var glob in Include ?? Array.Empty<string>())
        {
            filter.Include.Add(glob);
        }

        foreach (var glob in Exclude ?? Array.Empty<string>())
        {
            filter.Exclude.Add(glob);
        }

        foreach (var kind in Kind ?? Array.Empty<LayerKind>())
        {
            filter.Kinds.Add(kind);
        }

        try
        {
            filter.Check();
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex);
        }

        return filter.IsEmpty ? null : filter;
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            var artifact = InputObject!;
            if (artifact.Registry is null)
            {
                WriteModelPackError(CmdletErrors.NoRegistryToPull(artifact));
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

    private void Save(string text)
    {
        var parsed = ParseReferenceOrWriteError(text);
        if (parsed is null || ResolveForPull(text, parsed) is not ({ } reference, var prompted) || !ShouldProcess(reference.ToString(), Action))
        {
            return;
        }

        var target = reference.ToString();
        Attempt(target, CmdletErrors.SaveFailed(target), () =>
        {
            var artifact = Pull(reference);
            if (prompted)
            {
                RememberShortName(parsed, reference);
            }

            WriteVerbose($"Saved '{reference}' ({artifact.Digest}) with {artifact.Strategy}{(artifact.Path is null ? string.Empty : $" to '{artifact.Path}'")}.");
            if (Path is not null)
            {
                Export(reference, artifact);
            }

            if (PassThru)
            {
                WriteObject(artifact);
            }
        });
    }

    private void Export(ModelReference reference, ModelArtifact artifact)
    {
        if (artifact.Path is null)
        {
            throw CmdletErrors.NothingToExport(reference.ToString(), artifact.Strategy);
        }

        var destination = ResolveFileSystemPath(Path!);
        var count = SnapshotExporter.Export(artifact.Path, destination, Force, StopToken);
        WriteVerbose($"Exported {count} file(s) of '{reference}' to '{destination}'.");
    }

    /// <summary>Pulls on a task, with one progress parent for the artifact and a child per layer.</summary>
    private ModelArtifact Pull(ModelReference reference)
    {
        var progress = new PullProgressWriter(reference.ToString(), NextActivityId, WriteProgress);
        var pull = NewPullContext(reference, Posting(progress));
        return RunWithProgress(progress, token => PullAsync(reference, pull, progress, token));
    }

    private PullContext NewPullContext(ModelReference reference, IProgress<PullProgress> progress)
    {
        var clients = _clients!;
        var defaults = new PullOptions();
        var pull = new PullContext
        {
            Client = clients.For(reference),
            Options = new PullOptions
            {
                Force = Force,
                Layers = _filter,
                Concurrency = Settings.Concurrency ?? defaults.Concurrency,
                ConnectionsPerBlob = Settings.ConnectionsPerBlob ?? defaults.ConnectionsPerBlob,
                PartSize = Settings.RangedPartSize ?? defaults.PartSize,
                Progress = progress,
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

        return pull;
    }

    /// <summary>
    /// Pulls through the chain (<see cref="StrategyChain.PullAsync"/>: the reference's kind from the local stores, else one
    /// manifest GET, then the strategy; the chain logs its choice as a verbose line). For podman's pulls, which report no
    /// byte counts, one progress record stands for the whole pull.
    /// </summary>
    private Task<ModelArtifact> PullAsync(ModelReference reference, PullContext pull, PullProgressWriter progress, CancellationToken token)
    {
        pull.Selected = (selection, _) =>
        {
            if (selection.Strategy != StrategyName.HttpBind)
            {
                Post(() => progress.EnginePull($"podman pulls it ({selection.Strategy})"));
            }
        };
        return Chain.PullAsync(reference, _requested, pull, token);
    }
}
