"""A local stand-in for Slack (Web API and signed requests), the offline demo and its terminal renderer.

Used by `podbrief demo`, the tests and the benchmarks; the production app never imports it."""
