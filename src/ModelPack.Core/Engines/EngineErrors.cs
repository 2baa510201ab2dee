using System;
using System.Collections.Generic;
using System.Globalization;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Engines;

/// <summary>The failures finding and running an engine report, worded once.</summary>
internal static class EngineErrors
{
    /// <param name="origin">Where the engine was named: "-Engine", "MODELPACK_ENGINE", "the config file '...'".</param>
    public static ModelPackException Unsupported(string value, string origin, bool fromParameter) => new(
        ErrorIds.UnsupportedContainerEngine,
        fromParameter ? ErrorKind.InvalidArgument : ErrorKind.InvalidData,
        $"The engine {DisplayText.Quote(value)} from {origin} is not one ModelPack supports. Use podman, docker, none, auto, or a path to a podman or docker executable.",
        value);

    /// <param name="where">Why it was not found: "that path does not exist", "it is not on PATH (...)".</param>
    public static ModelPackException NotFound(string value, string origin, string where) => new(
        ErrorIds.ContainerEngineNotFound,
        ErrorKind.ObjectNotFound,
        $"The engine {DisplayText.Quote(value)} from {origin} was not found: {where}. Install it, give its full path, or use the engine 'none' (the HttpBind strategy needs no engine).",
        value);

    public static ModelPackException TimedOut(string file, IReadOnlyList<string> args, TimeSpan timeout) => new(
        ErrorIds.ProcessTimedOut,
        ErrorKind.OperationTimeout,
        $"{DisplayText.Quote(CommandLine.Display(file, args))} did not finish within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; it was stopped along with every process it started.",
        file);

    public static ModelPackException CannotStart(string file, IReadOnlyList<string> args, ErrorKind kind, Exception inner) => new(
        ErrorIds.ProcessStartFailed,
        kind,
        $"Cannot run {DisplayText.Quote(CommandLine.Display(file, args))}: {inner.Message}. Check that {DisplayText.Quote(file)} exists and is executable.",
        file,
        inner);
}
