using System;
using System.Management.Automation;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Strategies;

namespace ModelPack.Cmdlets;

/// <summary>
/// The capability probe: which engine is in use (-Engine &gt; MODELPACK_ENGINE &gt; config &gt; podman, docker,
/// none on PATH), its version (for docker: the daemon's), and for each strategy whether it can work here and why.
/// What works but not as it should (a docker daemon that does not answer or is on another machine, a podman
/// artifact store that cannot be listed) is also a warning.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelStrategy")]
[OutputType(typeof(StrategyInfo))]
public sealed class GetModelStrategyCommand : ModelPackCmdlet
{
    /// <summary>podman, docker, none, auto, or a path to a podman or docker executable.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Engine { get; set; }

    /// <summary>Probe again instead of using this session's cached answer.</summary>
    [Parameter]
    public SwitchParameter Refresh { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            var environment = HostEnvironment.Current.WithCurrentDirectory(SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            var settings = ModelPackSettingsLoader.Load(environment);
            foreach (var warning in settings.Warnings)
            {
                WriteWarning(warning);
            }

            var location = EngineLocator.Locate(Engine, settings, environment);
            WriteVerbose($"Engine: {location.Kind} {location.Path ?? string.Empty} ({location.Description}).");
            var engine = new EngineProbe().ProbeAsync(location, Refresh.IsPresent, StopToken).GetAwaiter().GetResult();
            WriteVerbose(engine.Reason);
            foreach (var warning in engine.Warnings)
            {
                WriteWarning(warning);
            }

            foreach (var strategy in StrategySelector.Describe(engine))
            {
                WriteObject(strategy);
            }
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, Engine);
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            // Ctrl+C: the probe's engine processes were killed; nothing to report.
        }
    }
}
