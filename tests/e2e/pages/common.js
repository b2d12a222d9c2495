// Shared by the fake site pages: records what the page's own post handler received.
window.__posts = [];
window.__recordPost = (text) => { window.__posts.push(text); };
if (new URLSearchParams(location.search).get('theme') === 'dark') document.documentElement.classList.add('dark');
// ?pad=N pushes the content down N px (for placement tests near the bottom of the viewport).
const cgPad = Number(new URLSearchParams(location.search).get('pad') || 0);
if (cgPad) document.addEventListener('DOMContentLoaded', () => {
  document.body.style.paddingTop = `${cgPad}px`;
  document.body.style.paddingBottom = '900px';
});
