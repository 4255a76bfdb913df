// Declares nothing: a stage running it runs no test.
export {};
