using System;
using System.Globalization;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;

namespace ModelPack.Core.Configuration;

/// <summary>The failures reading the settings reports (InvalidConfiguration), worded once.</summary>
internal static class ConfigErrors
{
    public static ModelPackException StrategyVariable(string value) => new(
        ErrorIds.InvalidConfiguration,
        ErrorKind.InvalidData,
        $"{ModelPackSettings.StrategyVariable} is {DisplayText.Quote(value)}, which is not a strategy. Use one of {StrategyNames.Accepted}, or remove the variable.",
        value);

    /// <param name="namedBy">What named the file: MODELPACK_CONFIG.</param>
    public static ModelPackException FileMissing(string path, string namedBy, Exception inner) => new(
        ErrorIds.InvalidConfiguration,
        ErrorKind.ObjectNotFound,
        $"{namedBy} names the config file {DisplayText.Quote(path)}, which does not exist. Create it or correct {namedBy}.",
        path,
        inner);

    public static ModelPackException Unreadable(string path, Exception inner) => new(
        ErrorIds.InvalidConfiguration,
        inner is UnauthorizedAccessException ? ErrorKind.PermissionDenied : ErrorKind.InvalidData,
        $"The config file {DisplayText.Quote(path)} cannot be read: {inner.Message}",
        path,
        inner);

    /// <summary>A problem at one line of the config file; <paramref name="problem"/> is a sentence.</summary>
    public static ModelPackException AtLine(string path, long line, string problem, Exception? inner = null) => new(
        ErrorIds.InvalidConfiguration,
        ErrorKind.InvalidData,
        $"Config file {DisplayText.Quote(path)}, line {line.ToString(CultureInfo.InvariantCulture)}: {problem} Fix the file, or point {ModelPackSettings.ConfigVariable} at another one.",
        path,
        inner);
}
