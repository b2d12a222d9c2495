// Shared by the fake site pages: records what the page's own post handler received.
window.__posts = [];
window.__recordPost = (text) => { window.__posts.push(text); };
if (new URLSearchParams(location.search).get('theme') === 'dark') document.documentElement.classList.add('dark');
