using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Engines;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Strategies;

/// <summary>Runs the podman the probe found, with the session's environment, and words its failures once.</summary>
internal sealed class PodmanCommand
{
    private readonly StrategyContext context;
    private readonly Dictionary<string, string?> environment;

    public PodmanCommand(StrategyContext context, StrategyName strategy)
    {
        this.context = context;
        Strategy = strategy;
        environment = context.Environment.ToDictionary(e => e.Key, e => e.Value);
    }

    public StrategyName Strategy { get; }

    /// <summary>Throws StrategyUnavailable unless the engine is a working podman.</summary>
    public string RequirePodman()
    {
        var engine = context.Engine;
        if (engine.Kind != EngineKind.Podman || !engine.IsUsable || engine.Path is null)
        {
            throw StrategyErrors.NeedsPodman(Strategy, engine);
        }

        return engine.Path;
    }

    /// <summary>Runs a quick command (inspect, ls, exists, rm) under <see cref="StrategyContext.CommandTimeout"/>.</summary>
    public Task<ProcessResult> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        RunAsync(args, context.CommandTimeout, cancellationToken);

    public Task<ProcessResult> RunAsync(IReadOnlyList<string> args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var podman = RequirePodman();
        return context.Runner.RunAsync(podman, args, null, environment, timeout, cancellationToken);
    }

    /// <summary>ContainerEngineFailed naming the command, its exit code and podman's own message.</summary>
    public static ModelPackException Failure(IReadOnlyList<string> args, ProcessResult result, string target, string? hint = null)
    {
        var message = FirstErrorLine(result);
        var kind = message.IndexOf("unauthorized", StringComparison.OrdinalIgnoreCase) >= 0 || message.IndexOf("authentication required", StringComparison.OrdinalIgnoreCase) >= 0
            ? ErrorKind.AuthenticationError
            : message.IndexOf("not found", StringComparison.OrdinalIgnoreCase) >= 0 || message.IndexOf("manifest unknown", StringComparison.OrdinalIgnoreCase) >= 0
                ? ErrorKind.ObjectNotFound
                : ErrorKind.InvalidOperation;
        return StrategyErrors.CommandFailed(args, result.ExitCode, message, kind, target, hint);
    }

    /// <summary>podman's first "Error: ..." line, else the first line of stderr (or stdout), without the prefix.</summary>
    public static string FirstErrorLine(ProcessResult result)
    {
        var lines = (result.Stderr.Trim().Length > 0 ? result.Stderr : result.Stdout)
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0)
            .ToList();
        var error = lines.FirstOrDefault(l => l.StartsWith("Error:", StringComparison.Ordinal)) ?? lines.FirstOrDefault() ?? "(no message)";
        return error.StartsWith("Error:", StringComparison.Ordinal) ? error.Substring("Error:".Length).Trim() : error;
    }
}
