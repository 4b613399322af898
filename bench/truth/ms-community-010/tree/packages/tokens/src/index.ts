// @acroyoga/tokens - design token pipeline
export {};
