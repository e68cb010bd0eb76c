namespace Clusterd.Core;

/// <summary>The kernel would not take a change (or could not be read); what it held stays as it was.</summary>
public sealed class KernelRefusedException(string message) : Exception(message);
