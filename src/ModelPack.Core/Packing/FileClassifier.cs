using System;
using System.Collections.Generic;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Packing;

/// <summary>
/// The built-in rules that give a model file its layer kind from its name (case-insensitive). Names are
/// checked before extensions, so <c>tokenizer.model</c> is weight config and <c>requirements.txt</c> code,
/// although <c>*.model</c> and <c>*.txt</c> mean other things. Datasets have no name rule beyond a few
/// columnar formats: the caller lists them (<see cref="PackRequest.Datasets"/>).
/// </summary>
public static class FileClassifier
{
    private static readonly char[] Separators = { '/', '\\' };

    private static readonly Dictionary<string, LayerKind> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["config.json"] = LayerKind.WeightConfig,
        ["generation_config.json"] = LayerKind.WeightConfig,
        ["special_tokens_map.json"] = LayerKind.WeightConfig,
        ["added_tokens.json"] = LayerKind.WeightConfig,
        ["preprocessor_config.json"] = LayerKind.WeightConfig,
        ["processor_config.json"] = LayerKind.WeightConfig,
        ["feature_extractor_config.json"] = LayerKind.WeightConfig,
        ["image_processor_config.json"] = LayerKind.WeightConfig,
        ["adapter_config.json"] = LayerKind.WeightConfig,
        ["chat_template.json"] = LayerKind.WeightConfig,
        ["chat_template.jinja"] = LayerKind.WeightConfig,
        ["params.json"] = LayerKind.WeightConfig,
        ["merges.txt"] = LayerKind.WeightConfig,
        ["spiece.model"] = LayerKind.WeightConfig,
        ["sentencepiece.bpe.model"] = LayerKind.WeightConfig,
        ["modelfile"] = LayerKind.WeightConfig,
        ["makefile"] = LayerKind.Code,
        ["dockerfile"] = LayerKind.Code,
        ["containerfile"] = LayerKind.Code,
        ["pyproject.toml"] = LayerKind.Code,
        ["setup.cfg"] = LayerKind.Code,
    };

    // Prefixes of the file name (before any extension).
    private static readonly (string Prefix, LayerKind Kind)[] Prefixes =
    {
        ("tokenizer", LayerKind.WeightConfig),
        ("vocab.", LayerKind.WeightConfig),
        ("requirements", LayerKind.Code),
        ("readme", LayerKind.Doc),
        ("license", LayerKind.Doc),
        ("licence", LayerKind.Doc),
        ("copying", LayerKind.Doc),
        ("notice", LayerKind.Doc),
        ("changelog", LayerKind.Doc),
        ("citation", LayerKind.Doc),
        ("use_policy", LayerKind.Doc),
    };

    // Suffixes, longest first where one ends another (".onnx.data" before ".data" is not a rule).
    private static readonly (string Suffix, LayerKind Kind)[] Suffixes =
    {
        (".safetensors.index.json", LayerKind.WeightConfig),
        (".bin.index.json", LayerKind.WeightConfig),
        (".onnx.data", LayerKind.Weight),
        (".onnx_data", LayerKind.Weight),
        (".gguf", LayerKind.Weight),
        (".ggml", LayerKind.Weight),
        (".safetensors", LayerKind.Weight),
        (".bin", LayerKind.Weight),
        (".pt", LayerKind.Weight),
        (".pth", LayerKind.Weight),
        (".onnx", LayerKind.Weight),
        (".h5", LayerKind.Weight),
        (".hdf5", LayerKind.Weight),
        (".keras", LayerKind.Weight),
        (".tflite", LayerKind.Weight),
        (".ckpt", LayerKind.Weight),
        (".msgpack", LayerKind.Weight),
        (".pb", LayerKind.Weight),
        (".mlmodel", LayerKind.Weight),
        (".engine", LayerKind.Weight),
        (".trt", LayerKind.Weight),
        (".plan", LayerKind.Weight),
        (".npz", LayerKind.Weight),
        (".npy", LayerKind.Weight),
        (".pkl", LayerKind.Weight),
        (".pickle", LayerKind.Weight),
        (".joblib", LayerKind.Weight),
        (".params", LayerKind.Weight),
        (".pdparams", LayerKind.Weight),
        (".nemo", LayerKind.Weight),
        (".llamafile", LayerKind.Weight),
        (".ot", LayerKind.Weight),
        (".mar", LayerKind.Weight),
        (".tiktoken", LayerKind.WeightConfig),
        (".json", LayerKind.WeightConfig),
        (".yaml", LayerKind.WeightConfig),
        (".yml", LayerKind.WeightConfig),
        (".toml", LayerKind.WeightConfig),
        (".jinja", LayerKind.WeightConfig),
        (".md", LayerKind.Doc),
        (".markdown", LayerKind.Doc),
        (".rst", LayerKind.Doc),
        (".txt", LayerKind.Doc),
        (".pdf", LayerKind.Doc),
        (".html", LayerKind.Doc),
        (".png", LayerKind.Doc),
        (".jpg", LayerKind.Doc),
        (".jpeg", LayerKind.Doc),
        (".gif", LayerKind.Doc),
        (".svg", LayerKind.Doc),
        (".webp", LayerKind.Doc),
        (".cff", LayerKind.Doc),
        (".py", LayerKind.Code),
        (".pyi", LayerKind.Code),
        (".ipynb", LayerKind.Code),
        (".sh", LayerKind.Code),
        (".bash", LayerKind.Code),
        (".ps1", LayerKind.Code),
        (".psm1", LayerKind.Code),
        (".js", LayerKind.Code),
        (".mjs", LayerKind.Code),
        (".ts", LayerKind.Code),
        (".c", LayerKind.Code),
        (".cc", LayerKind.Code),
        (".cpp", LayerKind.Code),
        (".h", LayerKind.Code),
        (".hpp", LayerKind.Code),
        (".cu", LayerKind.Code),
        (".cuh", LayerKind.Code),
        (".go", LayerKind.Code),
        (".rs", LayerKind.Code),
        (".java", LayerKind.Code),
        (".scala", LayerKind.Code),
        (".rb", LayerKind.Code),
        (".r", LayerKind.Code),
        (".jl", LayerKind.Code),
        (".lua", LayerKind.Code),
        (".swift", LayerKind.Code),
        (".kt", LayerKind.Code),
        (".parquet", LayerKind.Dataset),
        (".arrow", LayerKind.Dataset),
        (".feather", LayerKind.Dataset),
    };

    // Weight file suffixes that name one format unambiguously, for config.format.
    private static readonly (string Suffix, string Format)[] Formats =
    {
        (".gguf", "gguf"),
        (".safetensors", "safetensors"),
        (".onnx", "onnx"),
        (".onnx.data", "onnx"),
        (".onnx_data", "onnx"),
        (".pt", "pytorch"),
        (".pth", "pytorch"),
        (".bin", "pytorch"),
        (".tflite", "tflite"),
        (".keras", "keras"),
        (".h5", "h5"),
        (".mlmodel", "coreml"),
        (".engine", "tensorrt"),
        (".trt", "tensorrt"),
        (".pb", "tensorflow"),
        (".npz", "numpy"),
    };

    /// <summary>The kind the built-in rules give <paramref name="relativePath"/>'s file name, or null when none applies.</summary>
    public static LayerKind? Classify(string relativePath)
    {
        var name = FileName(relativePath);
        if (Names.TryGetValue(name, out var byName))
        {
            return byName;
        }

        foreach (var (prefix, kind) in Prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        foreach (var (suffix, kind) in Suffixes)
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>The weight format a file name stands for (gguf, safetensors, onnx, pytorch, ...), or null.</summary>
    public static string? WeightFormat(string relativePath)
    {
        var name = FileName(relativePath);
        foreach (var (suffix, format) in Formats)
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return format;
            }
        }

        return null;
    }

    private static string FileName(string relativePath)
    {
        if (relativePath is null)
        {
            throw new ArgumentNullException(nameof(relativePath));
        }

        var slash = relativePath.LastIndexOfAny(Separators);
        return slash < 0 ? relativePath : relativePath.Substring(slash + 1);
    }
}
