using System;
using System.Collections.Generic;
using System.IO;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using ModelPack.Core.Strategies;

namespace ModelPack.Core.Configuration;

/// <summary>Reads <see cref="ModelPackSettings"/> from the environment and the config file.</summary>
public static class ModelPackSettingsLoader
{
    /// <summary>
    /// Environment variables over the config file. The file is <paramref name="configFilePath"/> when given,
    /// else MODELPACK_CONFIG, else <see cref="DefaultConfigFilePath"/>; a file named explicitly must
    /// exist, the default one may not.
    /// </summary>
    /// <exception cref="ModelPackException">InvalidConfiguration: the file or a variable holds a bad value.</exception>
    public static ModelPackSettings Load(HostEnvironment? environment = null, string? configFilePath = null)
    {
        var env = environment ?? HostEnvironment.Current;
        var (path, explicitly) = configFilePath is not null
            ? (configFilePath, "the given config file path")
            : env.Get(ModelPackSettings.ConfigVariable) is string fromVariable
                ? (fromVariable, ModelPackSettings.ConfigVariable)
                : (DefaultConfigFilePath(env), null);

        ConfigFileContent? file = null;
        if (path is not null)
        {
            path = Path.IsPathRooted(path) ? path : Path.Combine(env.CurrentDirectory, path);
            file = ReadFile(path, explicitly, env.HomeDirectory);
        }

        var strategyText = env.Get(ModelPackSettings.StrategyVariable);
        StrategyName? strategy = file?.Strategy;
        var strategySource = SettingSource.ConfigFile;
        if (strategyText is not null)
        {
            if (!StrategyNames.TryParse(strategyText, out var fromEnvironment))
            {
                throw ConfigErrors.StrategyVariable(strategyText);
            }

            strategy = fromEnvironment;
            strategySource = SettingSource.EnvironmentVariable;
        }

        var engineText = env.Get(ModelPackSettings.EngineVariable)?.Trim();
        var storeText = env.Get(ModelPackSettings.StoreVariable);
        return new ModelPackSettings
        {
            Strategy = strategy,
            StrategySource = strategySource,
            Engine = string.IsNullOrEmpty(engineText) ? file?.Engine : engineText,
            EngineSource = string.IsNullOrEmpty(engineText) ? SettingSource.ConfigFile : SettingSource.EnvironmentVariable,
            Store = storeText ?? file?.Store,
            StoreSource = storeText is null ? SettingSource.ConfigFile : SettingSource.EnvironmentVariable,
            InsecureRegistries = (IReadOnlyList<string>?)file?.InsecureRegistries ?? Array.Empty<string>(),
            MaxRetry = file?.MaxRetry,
            Concurrency = file?.Concurrency,
            ConnectionsPerBlob = file?.ConnectionsPerBlob,
            RangedPartSize = file?.RangedPartSize,
            ConfigFilePath = file is null ? null : path,
            Warnings = (IReadOnlyList<string>?)file?.Warnings ?? Array.Empty<string>(),
            Durability = file?.Durability,
            MinTransferRate = file?.MinTransferRate,
            TransferRateWindow = file?.TransferRateWindow,
            MaxLayerEntries = file?.MaxLayerEntries,
            MaxCompressionRatio = file?.MaxCompressionRatio,
        };
    }

    /// <summary>
    /// <c>%APPDATA%\modelpack\config.json</c> on Windows; elsewhere <c>$XDG_CONFIG_HOME/modelpack/config.json</c>,
    /// else <c>~/.config/modelpack/config.json</c>. Null when none of those directories is known.
    /// </summary>
    public static string? DefaultConfigFilePath(HostEnvironment environment)
    {
        if (environment is null)
        {
            throw new ArgumentNullException(nameof(environment));
        }

        string? baseDirectory;
        if (environment.IsWindows)
        {
            baseDirectory = environment.Get("APPDATA");
        }
        else
        {
            // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
            var xdg = environment.Get("XDG_CONFIG_HOME");
            baseDirectory = xdg is not null && xdg.StartsWith("/", StringComparison.Ordinal)
                ? xdg
                : environment.HomeDirectory is string home ? Path.Combine(home, ".config") : null;
        }

        return baseDirectory is null ? null : Path.Combine(baseDirectory, "modelpack", "config.json");
    }

    private static ConfigFileContent? ReadFile(string path, string? namedBy, string? home)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            if (namedBy is null)
            {
                return null;
            }

            throw ConfigErrors.FileMissing(path, namedBy, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ConfigErrors.Unreadable(path, ex);
        }

        return ConfigFileParser.Parse(bytes, path, home);
    }
}
