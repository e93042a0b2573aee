# Hello

