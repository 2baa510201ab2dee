using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace PSRunner;

/// <summary>Just enough of a console host for scripts: text out, no prompts (automation semantics).</summary>
internal sealed class ConsoleHost : PSHost
{
    private readonly ConsoleUI _ui = new();
    private readonly Guid _id = Guid.NewGuid();

    public int ExitCode { get; private set; }

    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.GetCultureInfo("en-US");

    public override Guid InstanceId => _id;

    public override string Name => "psrunner";

    public override PSHostUserInterface UI => _ui;

    public override Version Version => new(1, 0);

    public override void EnterNestedPrompt() => throw new NotSupportedException();

    public override void ExitNestedPrompt() => throw new NotSupportedException();

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;

    private sealed class ConsoleUI : PSHostUserInterface
    {
        private readonly ModelPack.Hosting.FixedRawUserInterface _raw = new(160, 60);

        public override PSHostRawUserInterface RawUI => _raw;

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new PSInvalidOperationException("psrunner is non-interactive: " + message);

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw new PSInvalidOperationException("psrunner is non-interactive (use -Force or -Confirm:$false): " + message);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new PSInvalidOperationException("psrunner is non-interactive: pass -Credential.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new PSInvalidOperationException("psrunner is non-interactive: pass -Credential.");

        public override string ReadLine() => Console.ReadLine() ?? string.Empty;

        public override SecureString ReadLineAsSecureString() => throw new PSInvalidOperationException("psrunner is non-interactive.");

        public override void Write(string value) => Console.Write(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Console.Write(value);

        public override void WriteLine(string value) => Console.WriteLine(value);

        public override void WriteErrorLine(string value) => Console.Error.WriteLine(value);

        public override void WriteDebugLine(string message) => Console.WriteLine("DEBUG: " + message);

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override void WriteVerboseLine(string message) => Console.WriteLine("VERBOSE: " + message);

        public override void WriteWarningLine(string message) => Console.WriteLine("WARNING: " + message);
    }
}
