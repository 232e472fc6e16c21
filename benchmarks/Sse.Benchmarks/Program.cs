using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/Sse.Benchmarks -- --filter '*'
// Compare ratios within one run: these machines are shared and noisy.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
