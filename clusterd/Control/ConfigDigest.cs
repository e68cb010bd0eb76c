using System.Security.Cryptography;
using System.Text;
using Clusterd.State;

namespace Clusterd.Control;

/// <summary>
/// The digest of a configuration: SHA-256 of its <c>clconfig -save</c> script, lowercase hex.
/// Operators keep two front-ends alike by applying one saved script to both, and a script saved
/// from a daemon it built prints the same text again — so equal digests mean equal
/// configurations, and <c>sha256sum</c> of the saved script is the digest to expect.
/// </summary>
public static class ConfigDigest
{
    public static string Of(ClusterConfig config)
    {
        var script = new StringWriter();
        ConfigScript.Write(script, config);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script.ToString())));
    }
}
