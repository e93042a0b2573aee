# Hello
