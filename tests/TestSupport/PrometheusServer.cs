using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace TestSupport;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c>, installed by scripts/install-deps) inside one of a
/// lab's namespaces, scraping one target every second, with its configuration and storage in a
/// fresh temporary folder. Queried through its HTTP API with curl in the same namespace. Ended by
/// PID on dispose, its folder removed.
/// </summary>
public sealed class PrometheusServer : IDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    private const string Listen = "127.0.0.1:9090";

    private readonly Lab _lab;
    private readonly string _host;
    private readonly string _directory = Directory.CreateTempSubdirectory("ipc-prometheus-").FullName;
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    /// <param name="target">The ADDRESS:PORT serving /metrics, as seen from <paramref name="host"/>.</param>
    public PrometheusServer(Lab lab, string host, string target)
    {
        _lab = lab;
        _host = host;
        string config = Path.Combine(_directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: clusterd
                static_configs:
                  - targets: ['{target}']
            """);
        _process = Process.Start(CommandRunner.StartInfo("ip", ["netns", "exec", host, Binary,
            "--config.file", config, "--storage.tsdb.path", Path.Combine(_directory, "data"),
            "--web.listen-address", Listen, "--log.level", "warn"]))!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            WaitUntilReady();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Prometheus answers 503 to queries until it has opened its storage: wait for /-/ready.</summary>
    private void WaitUntilReady()
    {
        var deadline = Stopwatch.StartNew();
        while (_lab.Exec(_host, "curl", "-sf", "--max-time", "2", $"http://{Listen}/-/ready").ExitCode != 0)
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException("prometheus did not become ready\n" + Log);
            Thread.Sleep(200);
        }
    }

    /// <summary>What Prometheus logged so far.</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>
    /// Waits (generously) until the instant query <paramref name="query"/> has one value that
    /// <paramref name="expected"/> accepts; returns the last value seen (NaN when none).
    /// </summary>
    public double WaitFor(string query, Func<double, bool> expected, TimeSpan? patience = null)
    {
        var deadline = Stopwatch.StartNew();
        double value = double.NaN;
        while (deadline.Elapsed < (patience ?? TimeSpan.FromSeconds(30)))
        {
            value = Query(query);
            if (!double.IsNaN(value) && expected(value)) return value;
            Thread.Sleep(250);
        }
        return value;
    }

    /// <summary>The value of an instant query with one result; NaN when there is none (yet).</summary>
    public double Query(string query)
    {
        var answer = _lab.Exec(_host, "curl", "-s", "--max-time", "5", "-G", $"http://{Listen}/api/v1/query", "--data-urlencode", "query=" + query);
        if (answer.ExitCode != 0 || !answer.Stdout.StartsWith('{')) return double.NaN;
        using var json = JsonDocument.Parse(answer.Stdout);
        var result = json.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 1
            ? double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)
            : double.NaN;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.SIGTERM);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10))) _process.Kill();
        }
        _process.WaitForExit();
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
