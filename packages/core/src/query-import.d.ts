// Test-only: Vite loads `./module?query` as a separate module instance.
declare module '*?second-copy'
