using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ModelPack.Completion;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;
using ModelPack.Core.Mounts.Rendering;
using ModelPack.Core.References;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// The mounts that make a stored model visible inside a container, through the strategy chain: a read-only
/// bind of the local store's snapshot (HttpBind), an image mount (PodmanImage), or one artifact mount per
/// layer (PodmanArtifact); as objects, engine arguments, quadlet units or a Kubernetes fragment.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelMount", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(ModelMount), typeof(string), typeof(QuadletFile))]
public sealed class GetModelMountCommand : ModelInputCmdlet
{

    private StrategyName? _requested;
    private MountOptions? _options;
    private List<ModelArtifact>? _listing;

    /// <summary>With -UnitName: the one model's rendering, written in EndProcessing once no second model can claim the name.</summary>
    private List<object>? _named;
    private string? _namedReference;

    /// <summary>Without -UnitName: the repository-derived unit name each rendered model took, and which model took it.</summary>
    private readonly Dictionary<string, string> _derivedNames = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where the model appears inside the container.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = ContainerPath.DefaultDestination;

    [Parameter]
    public MountFormat As { get; set; } = MountFormat.Object;

    /// <summary>
    /// The base name of what -As Quadlet and -As Kubernetes generate: the unit files NAME.container and NAME.artifact or
    /// NAME.image, or the volume model-NAME (as the default names derive from the repository). It names one model's
    /// output: a second model stops the command (UnitNameConflict) and nothing is written.
    /// </summary>
    /// <remarks>Checked in BeginProcessing rather than by a validation attribute, so a bad name gets its own ErrorId (InvalidUnitName).</remarks>
    [Parameter]
    public string? UnitName { get; set; }

    /// <summary>-As Kubernetes: the container (a DNS-1123 label) whose volumeMounts and env the fragment extends.</summary>
    [Parameter]
    public string ContainerName { get; set; } = KubernetesRendering.DefaultContainerName;

    protected override void BeginProcessing()
    {
        try
        {
            Destination = ContainerPath.NormalizeDestination(Destination);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, Destination);
        }

        CheckNamingParameters();

        // A fresh kind cache: mounting never asks a registry, so only the local stores may answer.
        OpenChain(Engine, new ReferenceKindCache());
        if (As == MountFormat.Quadlet && Chain.Engine.Kind == EngineKind.Docker)
        {
            // Quadlet units are podman's: with docker they would run a podman the user did not choose.
            ThrowModelPackError(CmdletErrors.QuadletNeedsPodman(Chain.Engine.Found));
        }

        foreach (var warning in Chain.Engine.Warnings)
        {
            WriteWarning(warning);
        }

        _requested = RequestedStrategy(Strategy);
        EnsureEngineSupports(_requested);
        _options = new MountOptions(Chain.Engine, Destination);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            MountArtifact(InputObject!);
            return;
        }

        foreach (var value in Reference)
        {
            if (StoreMatcher.IsDigest(value, out _))
            {
                // A manifest digest names whatever is stored with it, in any store.
                var stored = _listing ??= ListEach(Chain.Stores);
                foreach (var artifact in Resolve(stored, value, DescribeStores(Chain.Stores), "Run Save-ModelArtifact to download it first.", allowPatterns: false).GroupBy(a => a.Reference).Select(g => g.First()))
                {
                    MountArtifact(artifact);
                }

                continue;
            }

            var reference = ParseReferenceOrWriteError(value);
            if (reference is not null)
            {
                var stored = reference.IsShortName ? StoredCandidate(_listing ??= ListEach(Chain.Stores), reference) : null;
                MountReference(value, stored ?? reference);
            }
        }
    }

    protected override void EndProcessing()
    {
        foreach (var item in _named ?? [])
        {
            WriteObject(item);
        }

        base.EndProcessing();
    }

    /// <summary>-UnitName and -ContainerName only with the -As that uses them, and only names the output can carry.</summary>
    private void CheckNamingParameters()
    {
        var unitNameGiven = MyInvocation.BoundParameters.ContainsKey(nameof(UnitName));
        var containerNameGiven = MyInvocation.BoundParameters.ContainsKey(nameof(ContainerName));
        if (unitNameGiven && As is not (MountFormat.Quadlet or MountFormat.Kubernetes))
        {
            ThrowModelPackError(CmdletErrors.UnitNameNotApplicable(UnitName, As));
        }

        if (containerNameGiven && As != MountFormat.Kubernetes)
        {
            var hint = As == MountFormat.Quadlet ? " With -As Quadlet, -UnitName names the .container unit." : string.Empty;
            ThrowModelPackError(CmdletErrors.ContainerNameNotApplicable(ContainerName, As, hint));
        }

        try
        {
            if (unitNameGiven)
            {
                UnitNames.Check(UnitName);
            }

            if (containerNameGiven)
            {
                KubernetesNames.CheckContainerName(ContainerName);
            }
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex);
        }
    }

    private void MountArtifact(ModelArtifact artifact)
    {
        if (artifact.Strategy == "Layout")
        {
            // A layout's ref name is no registry reference, and its files are in no store a container can mount.
            WriteModelPackError(CmdletErrors.LayoutNotMountable(artifact));
            return;
        }

        Emit(artifact.Reference, () => Run(token => Chain.MountAsync(artifact, _requested, _options!, null, token)));
    }

    private void MountReference(string value, ModelReference reference) =>
        Emit(value, () =>
        {
            try
            {
                return Run(token => Chain.MountAsync(reference, _requested, _options!, null, token));
            }
            catch (ModelPackException ex) when (ex.ErrorId == ErrorIds.ModelArtifactNotFound)
            {
                // No store holds it (mounting never asks the registry).
                throw CmdletErrors.NothingToMount(value, DescribeStores(Chain.Stores), ex);
            }
        });

    private void Emit(string target, Func<IReadOnlyList<ModelMount>> mount)
    {
        IReadOnlyList<ModelMount> mounts;
        List<object> output;
        try
        {
            mounts = mount();
            if (mounts.Count == 0)
            {
                WriteWarning($"'{target}' has no layers: there is nothing to mount.");
                return;
            }

            foreach (var partial in mounts.Select(m => m.PartialWarning).OfType<string>().Distinct())
            {
                WriteWarning(partial);
            }

            output = Render(mounts);
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, target);
            return;
        }

        if (UnitName is null)
        {
            if (As is MountFormat.Quadlet or MountFormat.Kubernetes && !ClaimDerivedName(mounts[0].Reference))
            {
                return;
            }

            foreach (var item in output)
            {
                WriteObject(item);
            }

            return;
        }

        if (_namedReference is not null)
        {
            // Two models under one name would overwrite each other's units (or share one volume): refuse before anything is written.
            _named = null;
            ThrowModelPackError(CmdletErrors.UnitNameTaken(UnitName, _namedReference, mounts[0].Reference));
        }

        _named = output;
        _namedReference = mounts[0].Reference;
    }

    /// <summary>
    /// Two models whose repositories end alike ('a/tiny', 'b/tiny') would get the same unit files and volume: the
    /// second is refused (non-terminating, so the first's output stands) with the name to give it instead.
    /// </summary>
    private bool ClaimDerivedName(string reference)
    {
        var name = UnitNames.FromReference(reference);
        if (!_derivedNames.TryGetValue(name, out var owner))
        {
            _derivedNames[name] = reference;
            return true;
        }

        if (string.Equals(owner, reference, StringComparison.Ordinal))
        {
            return true;
        }

        WriteModelPackError(CmdletErrors.DerivedNameTaken(reference, name, owner, As));
        return false;
    }

    /// <summary>
    /// Whether the pull unit must turn TLS verification off: the registry is on this machine (which ModelPack allows
    /// over plain HTTP and podman does not by itself) or the config file names it insecure.
    /// </summary>
    private bool NeedsInsecurePull(ModelMount mount) =>
        mount.Type != "bind" &&
        ModelReference.TryParse(mount.Reference, out var reference, out _) &&
        (reference!.IsLoopback || Settings.InsecureRegistries.Contains(reference.Registry, StringComparer.OrdinalIgnoreCase));

    private List<object> Render(IReadOnlyList<ModelMount> mounts) => As switch
    {
        MountFormat.Argument => ArgumentRendering.Render(mounts).Cast<object>().ToList(),
        MountFormat.Quadlet => QuadletRendering.Render(mounts, Destination, UnitName, tlsVerify: !NeedsInsecurePull(mounts[0])).Cast<object>().ToList(),
        MountFormat.Kubernetes => [KubernetesRendering.Render(mounts, Destination, ContainerName, UnitName is null ? null : UnitNames.VolumeName(UnitName))],
        _ => mounts.Cast<object>().ToList(),
    };
}
