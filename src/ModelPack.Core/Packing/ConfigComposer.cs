using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>Builds the config a pack writes: the request's values over the config file's, with modelfs from the packed layers.</summary>
internal static class ConfigComposer
{
    /// <summary>
    /// Reads and checks the config file (when given) without its modelfs, which packing replaces: a wrong
    /// type or an unknown field there is an error rather than silently dropped.
    /// </summary>
    public static ModelConfig? ReadFile(string? configPath)
    {
        if (configPath is null)
        {
            return null;
        }

        var full = Path.GetFullPath(configPath);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw PackErrors.ConfigFileMissing(full, ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw PackErrors.ConfigFileUnreadable(full, ex);
        }

        var violations = ConfigValidator.Validate(bytes).Where(v => !Replaced(v)).ToList();
        if (violations.Count > 0)
        {
            throw new ModelSpecException($"The config file '{full}'", violations);
        }

        return ModelConfig.Parse(bytes);
    }

    public static ModelConfig Compose(ModelConfigRequest request, ModelConfig? file, string? inferredFormat, IEnumerable<string> diffIds)
    {
        var config = new ModelConfig();
        if (file is not null)
        {
            config.Descriptor = file.Descriptor;
            config.Config = file.Config;
        }

        var d = config.Descriptor;
        d.Name = request.Name ?? d.Name;
        d.Family = request.Family ?? d.Family;
        d.Version = request.Version ?? d.Version;
        d.Revision = request.Revision ?? d.Revision;
        d.Title = request.Title ?? d.Title;
        d.Description = request.Description ?? d.Description;
        d.Vendor = request.Vendor ?? d.Vendor;
        d.DocUrl = request.DocUrl ?? d.DocUrl;
        d.SourceUrl = request.SourceUrl ?? d.SourceUrl;
        d.CreatedAt = request.CreatedAt ?? d.CreatedAt;
        d.Authors = Replace(request.Authors, d.Authors);
        d.Licenses = Replace(request.Licenses, d.Licenses);
        d.DatasetsUrl = Replace(request.DatasetsUrl, d.DatasetsUrl);

        var c = config.Config;
        c.Format = request.Format ?? c.Format ?? inferredFormat;
        c.Architecture = request.Architecture ?? c.Architecture;
        c.ParamSize = request.ParamSize ?? c.ParamSize;
        c.Precision = request.Precision ?? c.Precision;
        c.Quantization = request.Quantization ?? c.Quantization;
        c.Capabilities = request.Capabilities ?? c.Capabilities;

        config.ModelFs = new ModelFs { Type = ModelFs.LayersType, DiffIds = diffIds.ToList() };
        config.MarkChanged();
        return config;
    }

    private static List<string> Replace(IList<string> requested, IList<string> existing) =>
        requested.Count > 0 ? requested.ToList() : existing.ToList();

    /// <summary>Violations about what packing writes itself: modelfs, and the top-level objects it always writes.</summary>
    private static bool Replaced(SpecViolation violation) =>
        violation.Path == "$.modelfs" ||
        violation.Path.StartsWith("$.modelfs.", StringComparison.Ordinal) ||
        violation.Path.StartsWith("$.modelfs[", StringComparison.Ordinal) ||
        ((violation.Path == "$.descriptor" || violation.Path == "$.config") && violation.Message == "is required");
}
