namespace Clconfig;

/// <summary>The command line is wrong; the message names the bad word. Exit status 2.</summary>
public sealed class UsageException(string message) : Exception(message);
