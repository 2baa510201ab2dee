namespace ModelPack.Core.Engines;

/// <summary>How a finished process ended and everything it wrote.</summary>
public sealed class ProcessResult
{
    public ProcessResult(int exitCode, string stdout, string stderr)
    {
        ExitCode = exitCode;
        Stdout = stdout ?? string.Empty;
        Stderr = stderr ?? string.Empty;
    }

    public int ExitCode { get; }

    public string Stdout { get; }

    public string Stderr { get; }

    public bool Succeeded => ExitCode == 0;
}
