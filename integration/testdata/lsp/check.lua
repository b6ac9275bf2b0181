-- Headless Neovim: attach the language server named by $LSP_CMD (a JSON
-- list) to a leaky file, wait for its diagnostics, ask for hover, apply
-- goroutinelint's quick fix through textDocument/codeAction, save, and
-- write what happened as JSON to $EDITOR_RESULT. Run by
-- integration/lsp_test.go.
local dir = vim.env.EDITOR_FIXTURE
local path = dir .. '/leaky/leaky.go'
local published = 0
local default = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if vim.uri_to_fname(result.uri) == path then
    published = published + 1
  end
  return default(err, result, ctx, config)
end

local client_id = vim.lsp.start_client({
  name = 'goroutinelint',
  cmd = vim.fn.json_decode(vim.env.LSP_CMD),
  root_dir = dir,
})

local result = {}
local function finish()
  local f = io.open(vim.env.EDITOR_RESULT, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local function diagnostics(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, { line = d.lnum + 1, col = d.col + 1, message = d.message, source = d.source or '' })
  end
  return out
end

local function has(buf, source)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == source then
      return d
    end
  end
  return nil
end

vim.cmd('edit ' .. path)
local buf = vim.api.nvim_get_current_buf()
vim.bo[buf].filetype = 'go'
vim.lsp.buf_attach_client(buf, client_id)

local want_gopls = vim.env.EXPECT_GOPLS == '1'
result.published = vim.wait(180000, function()
  return has(buf, 'goroutinelint') ~= nil and (not want_gopls or has(buf, 'printf') ~= nil)
end, 50)
result.before = diagnostics(buf)
local ours = has(buf, 'goroutinelint')
if ours == nil then
  return finish()
end

-- Hover on the parameter "name" of Report (line 7, zero-based 6).
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 6, character = 12 },
}, 20000)
result.hover = ''
for _, r in pairs(hover or {}) do
  if r.result and r.result.contents then
    result.hover = result.hover .. vim.fn.json_encode(r.result.contents)
  end
end

-- The quick fix for the send, through the code action.
local lspdiag = ours.user_data and ours.user_data.lsp or {}
local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = lspdiag.range or { start = { line = ours.lnum, character = ours.col }, ['end'] = { line = ours.lnum, character = ours.col } },
  context = { diagnostics = { lspdiag } },
}, 20000)
result.actions = {}
local fix
for _, r in pairs(actions or {}) do
  for _, a in ipairs(r.result or {}) do
    table.insert(result.actions, a.title)
    if a.kind == 'quickfix' and a.title:find('^Give errc a buffer') then
      fix = a
    end
  end
end
if fix == nil then
  return finish()
end
if fix.edit == nil then
  local resolved = vim.lsp.buf_request_sync(buf, 'codeAction/resolve', fix, 20000)
  for _, r in pairs(resolved or {}) do
    fix = r.result or fix
  end
end
vim.lsp.util.apply_workspace_edit(fix.edit, 'utf-16')
result.fixed_line = vim.api.nvim_buf_get_lines(buf, 13, 14, false)[1]

local before = published
vim.cmd('write')
result.republished = vim.wait(120000, function()
  return published > before and has(buf, 'goroutinelint') == nil
end, 50)
-- gopls's diagnostic stays: give gopls's own republication time to land.
if want_gopls then
  vim.wait(20000, function() return has(buf, 'printf') ~= nil end, 50)
end
result.after = diagnostics(buf)
finish()
